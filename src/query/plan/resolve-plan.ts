// The resolve pass: a query AST becomes a plan (plan.ts) in one walk that does all the work a
// store should not repeat — text analysis, token encoding, and pattern expansion (wildcard,
// regexp, fuzzy, case-insensitive terms, prefixes of phrases) against the store's vocabulary,
// which is asked once per (document type, column, prefix) whatever the query repeats.
// Patterns a full-text index cannot express expand to the matching stored terms first, at most
// `maxPatternTerms` of them (ROLLCALL_MAX_PATTERN_TERMS): past it the query is a 400, not a
// statement of a million terms that only the search time budget would stop.
import { dateToEpochMs } from '../../datasets/date-values.js';
import type { FieldDef } from '../../datasets/mapping.js';
import { encodeToken, existsToken, mark } from '../../search/index-documents.js';
import type { DocType, IndexLayout } from '../../search/index-layout.js';
import { analyze } from '../analyzer.js';
import type { FieldRef, Fuzziness, Query, Scalar, SearchRequest } from '../ast.js';
import { boundedEditDistance, luceneRegexpToRegExp, maxEdits, requiredShould, wildcardToRegExp } from '../reference/patterns.js';
import { tooManyPatternTerms } from '../query-errors.js';
import { anyTerm, blendedTerms, none, or, type NumberBounds, type Plan, type ScoreNode, type ScoringPart, type SearchPlan, type TextExpr, type TextPlan } from './plan.js';

/** Decoded stored terms of one token column of a document type that start with `prefix` (all for ''). */
export type Vocabulary = (type: string, column: number, prefix: string) => readonly string[] | Promise<readonly string[]>;

/** A word's fuzzy expansions (decoded terms) with their boosts. */
type FuzzyWord = (token: string) => Promise<{ token: string; boost: number }[]>;

export interface ResolveOptions {
  readonly layout: IndexLayout;
  readonly vocabulary: Vocabulary;
  /** Most stored terms one pattern (wildcard, regexp, case-insensitive term, string range) may expand to. */
  readonly maxPatternTerms: number;
}

/** Default of ROLLCALL_MAX_PATTERN_TERMS. */
export const defaultMaxPatternTerms = 100_000;

/** The plan of a whole search; the score tree and its clauses are resolved only when scores are wanted. */
export async function resolveSearch(request: SearchRequest, withScores: boolean, options: ResolveOptions): Promise<SearchPlan> {
  const r = new Resolver(options);
  const hits = await r.root(request.query);
  if (!(request.sort === 'score' || withScores)) return { hits, scoring: null, score: null };
  const scoring: ScoringPart[] = [];
  const score = (await scoreTree(request.query, r, scoring, 1, true, '')) ?? { op: 'fixed', value: 0 };
  return { hits, scoring, score };
}

/** The plan of one query (the ids of matching root records). */
export function resolveQuery(q: Query, options: ResolveOptions): Promise<Plan> {
  return new Resolver(options).root(q);
}

const text = (type: string, column: number, expr: TextExpr): Plan => ({ op: 'text', type, column, expr });

class Resolver {
  private readonly vocab = new Map<string, Promise<readonly string[]>>();

  constructor(private readonly o: ResolveOptions) {}

  root(q: Query): Promise<Plan> {
    return this.node(q, this.o.layout.byPath.get('')!);
  }

  /** The plan of a query on the documents of one type (the record's: '', or a nested path's entries). */
  inType(q: Query, type: string): Promise<Plan> {
    return this.node(q, this.o.layout.byPath.get(type)!);
  }

  /** The document type of a nested path directly under `parent`, or null. */
  childOf(path: string, parent: string): string | null {
    const child = this.o.layout.byPath.get(path);
    return child && child.parent === parent ? child.path : null;
  }

  private terms(type: string, column: number, prefix: string): Promise<readonly string[]> {
    const key = `${type}\u0000${column}\u0000${prefix}`;
    let found = this.vocab.get(key);
    if (!found) this.vocab.set(key, (found = Promise.resolve(this.o.vocabulary(type, column, prefix))));
    return found;
  }

  private async node(q: Query, t: DocType): Promise<Plan> {
    switch (q.kind) {
      case 'match_all':
        return { op: 'all', type: t.path };
      case 'match_none':
        return none;
      case 'bool':
        return this.bool(q.must, q.filter, q.should, q.mustNot, q.minimumShouldMatch, t);
      case 'constant_score':
        return this.node(q.filter, t);
      case 'dis_max':
        return or(await Promise.all(q.queries.map((c) => this.node(c, t))));
      case 'boosting':
        return this.node(q.positive, t);
      case 'nested':
        return this.nested(q.path, q.query, t);
      case 'ids':
        return t.path === '' && q.values.length > 0 ? { op: 'ids', values: q.values } : none;
      case 'exists':
        return this.exists(q.field, t);
      case 'term':
        return this.termsOf(q.field, [q.value], q.caseInsensitive);
      case 'terms':
        return this.termsOf(q.field, q.values, false);
      case 'range':
        return this.range(q.field, q);
      case 'prefix':
        return q.caseInsensitive
          ? this.expand(q.field, (s) => s.toLowerCase().startsWith(q.value.toLowerCase()), '')
          : this.prefix(q.field, q.value);
      case 'wildcard': {
        // `Jo*` is a prefix: the index answers it from its own term order (at 1M people, 18,555
        // hits in ~10 ms) instead of an OR of every matching term from the dictionary.
        const literal = q.caseInsensitive ? null : wildcardPrefix(q.pattern);
        if (literal !== null) return this.prefix(q.field, literal);
        const re = wildcardToRegExp(q.pattern, q.caseInsensitive);
        return this.expand(q.field, (s) => re.test(s), q.caseInsensitive ? '' : literalPrefix(q.pattern, '*?\\'));
      }
      case 'regexp': {
        // `(Senior|Lead) .*` is two prefixes, the same way.
        const prefixes = q.caseInsensitive ? null : regexpPrefixes(q.pattern);
        if (prefixes !== null) return this.prefixes(q.field, prefixes);
        const re = luceneRegexpToRegExp(q.pattern, q.caseInsensitive);
        return this.expand(q.field, (s) => re.test(s), '');
      }
      case 'fuzzy': {
        const found = await this.fuzzyTerms(q.field, q.value, maxEdits(q.fuzziness, q.value), q.value.slice(0, q.prefixLength), q.maxExpansions, q.transpositions);
        return found.length === 0 ? none : this.fieldText(q.field, blendedTerms(found.map((t) => ({ token: encodeToken(t.token), boost: t.boost }))));
      }
      case 'match':
        return this.match(q.field, q.text, q.operator, q.minimumShouldMatch, this.fuzzyWord(q), q.zeroTermsQuery, t);
      case 'match_phrase':
        return this.phrase(q.field, analyze(q.text), q.slop, null, q.zeroTermsQuery, t);
      case 'match_phrase_prefix':
        return this.phrase(q.field, analyze(q.text), q.slop, q.maxExpansions, 'none', t);
      case 'match_bool_prefix':
        return this.boolPrefix(q.field, q.text, q.operator, q.minimumShouldMatch, this.fuzzyWord(q));
      default: {
        const unhandled: never = q;
        return unhandled;
      }
    }
  }

  private async bool(must: readonly Query[], filter: readonly Query[], should: readonly Query[], mustNot: readonly Query[], msm: string | number | null, t: DocType): Promise<Plan> {
    const required = await Promise.all([...must, ...filter].map((c) => this.node(c, t)));
    const needShould = should.length === 0 ? 0 : msm === null ? (required.length === 0 ? 1 : 0) : requiredShould(msm, should.length);
    if (needShould > should.length) return none;
    if (needShould > 0) {
      const parts = await Promise.all(should.map((c) => this.node(c, t)));
      required.push(needShould === 1 ? { op: 'or', parts } : { op: 'atLeast', parts, need: needShould, distinct: true });
    }
    const base: Plan = required.length === 0 ? { op: 'all', type: t.path } : required.length === 1 ? required[0]! : { op: 'and', parts: required };
    if (mustNot.length === 0) return base;
    return { op: 'not', base, excluded: await Promise.all(mustNot.map((c) => this.node(c, t))) };
  }

  private async nested(path: string, inner: Query, t: DocType): Promise<Plan> {
    const child = this.o.layout.byPath.get(path);
    if (!child || child.parent !== t.path) return none;
    return { op: 'nested', child: child.path, parent: t.path, inner: await this.node(inner, child) };
  }

  private docTypeOf(def: FieldDef): DocType {
    return this.o.layout.byPath.get(def.nestedPath ?? '')!;
  }

  /** A full-text condition on the field's own column. */
  private fieldText(field: FieldRef, expr: TextExpr): Plan {
    return text(this.docTypeOf(field.def).path, this.o.layout.tokenField.get(field.path)!.column, expr);
  }

  private async exists(field: FieldRef, t: DocType): Promise<Plan> {
    const def = field.def;
    if (def.type === 'nested') return this.nested(def.path, { kind: 'match_all', boost: 1 }, t);
    if (def.type === 'object') {
      const leaves = [...this.o.layout.tokenField.keys(), ...this.o.layout.numberField.keys()].filter((p) => p.startsWith(`${def.path}.`));
      return or(await Promise.all(leaves.map((p) => this.exists({ path: p, def: (this.o.layout.tokenField.get(p) ?? this.o.layout.numberField.get(p))!.def }, t))));
    }
    const nf = this.o.layout.numberField.get(field.path);
    if (nf) return { op: 'range', type: this.docTypeOf(def).path, field: nf.id, bounds: {} };
    return this.fieldText(field, { op: 'term', token: existsToken });
  }

  private numberValue(def: FieldDef, v: Scalar): number | null {
    if (def.type === 'date') return typeof v === 'number' ? v : dateToEpochMs(String(v), def.format) ?? dateToEpochMs(String(v));
    if (def.type === 'boolean') return v === true || v === 'true' ? 1 : 0;
    const n = typeof v === 'string' ? Number(v) : v;
    return typeof n === 'number' && Number.isFinite(n) ? n : null;
  }

  private termsOf(field: FieldRef, values: readonly Scalar[], caseInsensitive: boolean): Promise<Plan> | Plan {
    const nf = this.o.layout.numberField.get(field.path);
    if (nf) {
      const nums = values.map((v) => this.numberValue(field.def, v)).filter((n): n is number => n !== null);
      return nums.length === 0 ? none : { op: 'numbers', type: this.docTypeOf(field.def).path, field: nf.id, values: nums };
    }
    if (caseInsensitive) {
      const wanted = new Set(values.map((v) => String(v).toLowerCase()));
      return this.expand(field, (s) => wanted.has(s.toLowerCase()), '');
    }
    return this.fieldText(field, anyTerm(values.map((v) => encodeToken(String(v)))));
  }

  private range(field: FieldRef, q: { gt?: string | number; gte?: string | number; lt?: string | number; lte?: string | number }): Promise<Plan> | Plan {
    const nf = this.o.layout.numberField.get(field.path);
    if (!nf) {
      // Ranges over keyword/text terms compare strings, as Elasticsearch does.
      return this.expand(field, (s) => (q.gt === undefined || s > String(q.gt)) && (q.gte === undefined || s >= String(q.gte)) && (q.lt === undefined || s < String(q.lt)) && (q.lte === undefined || s <= String(q.lte)), '');
    }
    const bounds: { -readonly [K in keyof NumberBounds]: number } = {};
    for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
      const v = q[op];
      if (v === undefined) continue;
      const n = this.numberValue(field.def, v);
      if (n === null) return none;
      bounds[op] = n;
    }
    return { op: 'range', type: this.docTypeOf(field.def).path, field: nf.id, bounds };
  }

  /** The field's stored terms whose decoded value passes `test`, as one OR. */
  private async expand(field: FieldRef, test: (decoded: string) => boolean, literalPrefixHint: string): Promise<Plan> {
    const tf = this.o.layout.tokenField.get(field.path);
    if (!tf) return none;
    const found = (await this.terms(this.docTypeOf(field.def).path, tf.column, literalPrefixHint)).filter(test);
    if (found.length > this.o.maxPatternTerms) tooManyPatternTerms(field.path, this.o.maxPatternTerms);
    return found.length === 0 ? none : this.fieldText(field, anyTerm(found.map(encodeToken)));
  }

  /** A prefix on the plain form when the prefix could start a plain token, and on the encoded form (a byte prefix of the hex) always. */
  private prefix(field: FieldRef, value: string): Promise<Plan> | Plan {
    return this.prefixes(field, [value]);
  }

  /** Terms that start with any of `values`, as one full-text condition. */
  private prefixes(field: FieldRef, values: readonly string[]): Promise<Plan> | Plan {
    if (!this.o.layout.tokenField.has(field.path)) return none;
    if (values.includes('')) return this.exists(field, this.docTypeOf(field.def));
    const exprs = values.flatMap((value): TextExpr[] => {
      const hex = Buffer.from(value, 'utf8').toString('hex');
      return [mark + hex, ...(/^[a-z0-9]+$/.test(value) ? [value] : [])].map((token) => ({ op: 'prefix', token }));
    });
    return this.fieldText(field, exprs.length === 1 ? exprs[0]! : { op: 'or', parts: exprs });
  }

  /**
   * Terms within `edits` of `token`, at most `limit` (Elasticsearch's max_expansions), as Lucene's
   * FuzzyQuery keeps them: each with its similarity as its boost (1 - edits / the shorter
   * length, in code points; 1 when equal), the highest boosts, then the smallest terms.
   */
  private async fuzzyTerms(field: FieldRef, token: string, edits: number, prefix: string, limit: number, transpositions = true): Promise<{ token: string; boost: number }[]> {
    const tf = this.o.layout.tokenField.get(field.path);
    if (!tf) return [];
    const length = [...token].length;
    return (await this.terms(this.docTypeOf(field.def).path, tf.column, prefix))
      .filter((s) => s.startsWith(prefix))
      .map((s) => ({ s, d: boundedEditDistance(token, s, edits, transpositions) }))
      .filter((x) => x.d <= edits)
      .map((x) => ({ token: x.s, boost: x.d === 0 ? 1 : Math.max(0, Math.fround(1 - Math.fround(x.d / Math.min([...x.s].length, length)))) }))
      .sort((a, b) => b.boost - a.boost || (a.token < b.token ? -1 : a.token > b.token ? 1 : 0))
      .slice(0, limit);
  }

  /** The fuzzy expansions of one word of a match query with `fuzziness`; null without. */
  private fuzzyWord(q: { readonly field: FieldRef; readonly fuzziness: Fuzziness | null; readonly prefixLength: number; readonly maxExpansions: number; readonly transpositions: boolean }): FuzzyWord | null {
    const fuzziness = q.fuzziness;
    if (fuzziness === null) return null;
    return (tok) => this.fuzzyTerms(q.field, tok, maxEdits(fuzziness, tok), tok.slice(0, q.prefixLength), q.maxExpansions, q.transpositions);
  }

  /**
   * One analyzed word of a match query: its term, or with fuzziness a fuzzy term, its
   * expansions blended (the word itself among them, boost 1, even when the dictionary has not
   * seen it).
   */
  private async word(tok: string, fuzzy: FuzzyWord | null): Promise<TextExpr> {
    if (!fuzzy) return { op: 'term', token: encodeToken(tok) };
    const found = await fuzzy(tok);
    const forms = found.some((f) => f.token === tok) ? found : [{ token: tok, boost: 1 }, ...found];
    return blendedTerms(forms.map((f) => ({ token: encodeToken(f.token), boost: f.boost })));
  }

  private async match(field: FieldRef, query: string, operator: 'or' | 'and', msm: string | number | null, fuzzy: FuzzyWord | null, zeroTerms: 'none' | 'all', t: DocType): Promise<Plan> {
    if (!this.o.layout.tokenField.has(field.path) || field.def.type !== 'text') return this.termsOf(field, [query], false);
    const tokens = [...new Set(analyze(query))];
    if (tokens.length === 0) return zeroTerms === 'all' ? { op: 'all', type: t.path } : none;
    const alternatives = await Promise.all(tokens.map((tok) => this.word(tok, fuzzy)));
    const need = operator === 'and' ? tokens.length : msm === null ? 1 : Math.max(1, requiredShould(msm, tokens.length));
    if (need > tokens.length) return none;
    if (need === 1) return this.fieldText(field, alternatives.length === 1 ? alternatives[0]! : { op: 'or', parts: alternatives });
    if (need === tokens.length) return this.fieldText(field, { op: 'and', parts: alternatives });
    return { op: 'atLeast', parts: alternatives.map((a) => this.fieldText(field, a)), need, distinct: false };
  }

  private async phrase(field: FieldRef, tokens: readonly string[], slop: number, prefixLast: number | null, zeroTerms: 'none' | 'all', t: DocType): Promise<Plan> {
    if (!this.o.layout.tokenField.has(field.path) || field.def.type !== 'text') return this.termsOf(field, [tokens.join(' ')], false);
    if (tokens.length === 0) return zeroTerms === 'all' ? { op: 'all', type: t.path } : none;
    const stored = tokens.map(encodeToken);
    // match_phrase_prefix: the last word expands to at most `prefixLast` terms (max_expansions).
    if (prefixLast !== null) {
      const last = tokens[tokens.length - 1]!;
      const forms = (await this.terms(this.docTypeOf(field.def).path, this.o.layout.tokenField.get(field.path)!.column, last)).filter((s) => s.startsWith(last)).slice(0, prefixLast);
      if (forms.length === 0) return none;
      const head = stored.slice(0, -1);
      const phrases = forms.map((f): TextExpr => (head.length === 0 ? { op: 'term', token: encodeToken(f) } : { op: 'phrase', tokens: [...head, encodeToken(f)] }));
      return this.fieldText(field, phrases.length === 1 ? phrases[0]! : { op: 'or', parts: phrases });
    }
    if (slop === 0 || stored.length === 1) return this.fieldText(field, stored.length === 1 ? { op: 'term', token: stored[0]! } : { op: 'phrase', tokens: stored });
    // Proximity in either order: a documented approximation of sloppy phrases.
    return this.fieldText(field, { op: 'near', tokens: stored, slop });
  }

  private async boolPrefix(field: FieldRef, query: string, operator: 'or' | 'and', msm: string | number | null, fuzzy: FuzzyWord | null): Promise<Plan> {
    const tokens = analyze(query);
    const tf = this.o.layout.tokenField.get(field.path);
    if (tokens.length === 0 || !tf) return none;
    // The last word is a prefix query, as Elasticsearch builds it: every term that starts with
    // it, scored as a constant (its boost), not as the terms it expands to. Fuzziness applies
    // to the words before it.
    const words = await Promise.all(tokens.slice(0, -1).map(async (tok) => this.fieldText(field, await this.word(tok, fuzzy))));
    const parts = [...words, await this.prefix(field, tokens[tokens.length - 1]!)];
    const need = operator === 'and' ? parts.length : msm === null ? 1 : Math.max(1, requiredShould(msm, parts.length));
    return need === 1 ? or(parts) : { op: 'atLeast', parts, need, distinct: true };
  }
}

/** A wildcard that is a literal and one trailing `*` (no other `*`, `?` or escape): the literal; else null. */
export function wildcardPrefix(pattern: string): string | null {
  if (!pattern.endsWith('*')) return null;
  const literal = pattern.slice(0, -1);
  return literal === '' || /[*?\\]/.test(literal) ? null : literal;
}

/** Characters with a meaning in Lucene's regexp syntax (every optional operator included). */
const regexpSpecials = /[.?+*|{}[\]()"\\#@&<>~]/;

/**
 * A regexp that is a literal, or a literal with one group of literal alternatives in it, followed
 * by `.*` (any rest, as `.` matches every character): each alternative spelled out, a prefix of
 * the matching terms; else null.
 */
export function regexpPrefixes(pattern: string): string[] | null {
  if (!pattern.endsWith('.*')) return null;
  const head = pattern.slice(0, -2);
  const open = head.indexOf('(');
  const close = head.indexOf(')');
  const [before, alternatives, after] = open < 0 && close < 0 ? [head, [''], ''] : open >= 0 && close > open ? [head.slice(0, open), head.slice(open + 1, close).split('|'), head.slice(close + 1)] : [null, [], null];
  if (before === null || after === null || regexpSpecials.test(before) || regexpSpecials.test(after) || alternatives.some((a) => regexpSpecials.test(a))) return null;
  const prefixes = alternatives.map((a) => `${before}${a}${after}`);
  return prefixes.some((p) => p === '') ? null : prefixes;
}

/** Whether a text expression is one prefix (in one or both of the forms `prefixes` writes). */
function isPrefix(e: TextExpr): boolean {
  return e.op === 'prefix' || (e.op === 'or' && e.parts.every((p) => p.op === 'prefix'));
}

/** The literal characters a pattern starts with (up to its first special character). */
function literalPrefix(pattern: string, specials: string): string {
  let out = '';
  for (const c of pattern) {
    if (specials.includes(c)) break;
    out += c;
  }
  return out;
}

/**
 * How a query scores in Elasticsearch (plan.ts, ScoreNode), with boosts multiplied down the tree;
 * null when it adds nothing. Full-text queries on the root type (match, match_phrase, term on a
 * text or keyword field, ...) are clauses scored by relevance and added to `parts`; queries
 * Elasticsearch scores as constants (match_all, constant_score, exists, range, ids, terms,
 * prefix, wildcard, regexp, a term on a number) score their boost where they match, which is
 * every hit when they are `required` (the query, a must clause, ...). A `nested` query scores
 * its matching entries as documents of their own (`type`: the document type being scored) and
 * gives the document holding them (the record, or the outer entry of a nested query inside
 * another) their average (its score_mode).
 */
async function scoreTree(q: Query, r: Resolver, parts: ScoringPart[], boost: number, required: boolean, type: string): Promise<ScoreNode | null> {
  const b = boost * q.boost;
  const constant = async (): Promise<ScoreNode> => (required ? { op: 'fixed', value: b } : { op: 'constant', plan: await r.inType(q, type), boost: b });
  const all = async (children: readonly Query[], need: boolean): Promise<ScoreNode[]> =>
    (await Promise.all(children.map((c) => scoreTree(c, r, parts, b, need, type)))).filter((n): n is ScoreNode => n !== null);
  switch (q.kind) {
    case 'bool': {
      const inner = [...(await all(q.must, required)), ...(await all(q.should, required && q.should.length === 1 && q.must.length === 0 && q.filter.length === 0))];
      return inner.length === 0 ? null : inner.length === 1 ? inner[0]! : { op: 'sum', parts: inner };
    }
    case 'dis_max': {
      const inner = await all(q.queries, required && q.queries.length === 1);
      return inner.length === 0 ? null : inner.length === 1 && q.tieBreaker === 0 ? inner[0]! : { op: 'max', parts: inner, tie: q.tieBreaker };
    }
    case 'boosting': {
      const base = await scoreTree(q.positive, r, parts, b, required, type);
      return base === null ? null : { op: 'demote', base, negative: await r.inType(q.negative, type), factor: q.negativeBoost };
    }
    case 'match':
    case 'match_phrase':
    case 'match_phrase_prefix':
    case 'match_bool_prefix':
    case 'term':
    case 'fuzzy': {
      if ((q.field.def.nestedPath ?? '') !== type) return null;
      const plan = await r.inType(q, type);
      const texts = plan.op === 'text' ? [plan] : (plan.op === 'atLeast' || plan.op === 'or' || plan.op === 'and') && plan.parts.every((p) => p.op === 'text') ? plan.parts : null;
      if (texts === null) return plan.op === 'none' ? null : constant();
      const clauses = texts.map((p): ScoreNode => {
        // match_bool_prefix's last word is a prefix query: a constant, as a `prefix` query is.
        if (isPrefix((p as TextPlan).expr)) return { op: 'constant', plan: p, boost: b };
        parts.push({ plan: p as TextPlan, boost: b });
        return { op: 'clause', part: parts.length - 1 };
      });
      return clauses.length === 1 ? clauses[0]! : { op: 'sum', parts: clauses };
    }
    case 'match_all':
    case 'constant_score':
    case 'ids':
    case 'exists':
    case 'range':
    case 'terms':
    case 'prefix':
    case 'wildcard':
    case 'regexp':
      return constant();
    case 'nested': {
      // Entries scored as documents of their own, then aggregated to the document holding them:
      // the record, or for a nested query inside another the outer entry.
      const child = r.childOf(q.path, type);
      if (child === null || q.scoreMode === 'none') return null;
      const inner = await scoreTree(q.query, r, parts, b, true, child);
      return inner === null ? null : { op: 'nested', child, parent: type, entries: await r.inType(q.query, child), inner, mode: q.scoreMode };
    }
    case 'match_none':
      return null;
    default: {
      const unhandled: never = q;
      return unhandled;
    }
  }
}
