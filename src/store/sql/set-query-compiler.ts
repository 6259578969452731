// The default query compiler: a query AST becomes SQL over a search index of token tables (one
// per document type), number tables and parent tables. Every node becomes a statement that
// selects the ids of the matching documents of the current document type (possibly repeated:
// callers dedupe once): record ids at the root, nested-entry doc ids inside `nested`. Boolean
// logic is set algebra (INTERSECT / UNION / EXCEPT, counting for minimum_should_match); numbers,
// dates and booleans are range scans of the number table; text conditions are full-text matches
// on one token column. Patterns a full-text engine cannot express (wildcard, regexp, fuzzy,
// case-insensitive terms) expand to the matching terms of the column's vocabulary first.
//
// A dialect supplies the few things that differ: how a full-text match is written (FTS5 MATCH
// for SQLite, tsquery for PostgreSQL) and its term syntax, the document id column, and how a
// subquery is named.
import type { DatasetName } from '../../datasets/datasets.js';
import type { FieldDef } from '../../datasets/mapping.js';
import { dateToEpochMs } from '../../datasets/date-values.js';
import { analyze } from '../../query/analyzer.js';
import type { FieldRef, Query, Scalar } from '../../query/ast.js';
import { boundedEditDistance, luceneRegexpToRegExp, maxEdits, requiredShould, wildcardToRegExp } from '../../query/reference/patterns.js';
import { encodeToken, existsToken, mark } from '../../search/index-documents.js';
import type { DocType, IndexLayout } from '../../search/index-layout.js';
import { docsPerRecord, ftsTable, numTable, parentTable } from './search-tables.js';

export interface Sql {
  readonly text: string;
  readonly params: readonly unknown[];
  /** Set when the statement is one FTS5 MATCH on this table (so it can also be scored). */
  readonly ftsTable?: string;
}

/** Stored terms of one FTS column, for pattern expansion (decoded, with their stored form). */
export type VocabularyLookup = (docType: string, columnIndex: number, storedPrefix: string) => string[];


const sql = (text: string, ...params: unknown[]): Sql => ({ text, params });

/**
 * How a dialect writes full-text expressions over the stored (encoded) tokens of one column:
 * alternatives, conjunctions, exact phrases, proximity and prefixes.
 */
export interface TermSyntax {
  term(stored: string): string;
  or(parts: readonly string[]): string;
  and(parts: readonly string[]): string;
  group(expression: string): string;
  phrase(stored: readonly string[]): string;
  near(stored: readonly string[], slop: number): string;
  /** Tokens that start with `stored`. */
  prefix(stored: string): string;
}

/** What a dialect overrides. */
export interface Dialect {
  /** Term syntax for expressions on one column. */
  syntax(columnIndex: number): TermSyntax;
  /** Statement selecting the ids (as `id`) of documents of `table` matching `expression` on `columnIndex`. */
  match(table: string, columnIndex: number, expression: string): Sql;
  /** Every document of a token table. */
  all(table: string): string;
  /** Ids of a token table's documents among `ids` (parameters). */
  idsIn(table: string, count: number): string;
  /** A statement that selects nothing. */
  readonly none: string;
  /** A subquery in FROM position (PostgreSQL requires a name). */
  from(text: string): string;
  /** `base` without the documents `excluded` select, when the dialect has a better plan than EXCEPT. */
  exclude?(base: Sql, excluded: readonly Sql[]): Sql | null;
  /**
   * Parts of an intersection with the full-text matches on the same table folded into one match
   * (one scan instead of one per part), when the dialect can; the other parts as they were.
   */
  mergeAnd?(parts: readonly Sql[]): Sql[];
}

export interface CompilerOptions {
  readonly dialect: Dialect;
  readonly dataset: DatasetName;
  readonly layout: IndexLayout;
  readonly vocabulary: VocabularyLookup;
  /** Most terms the last word of match_bool_prefix / match_phrase_prefix expands to. */
  readonly maxExpansions: number;
}

export class SetQueryCompiler {
  private readonly none: Sql;

  constructor(private readonly o: CompilerOptions) {
    this.none = sql(o.dialect.none);
  }

  private join(parts: readonly Sql[], op: string): Sql {
    return { text: parts.map((p) => `SELECT id FROM ${this.o.dialect.from(p.text)}`).join(` ${op} `), params: parts.flatMap((p) => p.params) };
  }

  /** minimum_should_match over parts: ids that at least `need` of them select. */
  private atLeast(parts: readonly Sql[], need: number, distinct: boolean): Sql {
    const each = parts.map((p) => (distinct ? `SELECT DISTINCT id FROM ${this.o.dialect.from(p.text)}` : p.text));
    return { text: `SELECT id FROM ${this.o.dialect.from(each.join(' UNION ALL '))} GROUP BY id HAVING count(*) >= ${need}`, params: parts.flatMap((p) => p.params) };
  }


  /** Ids of matching root records. */
  compile(q: Query): Sql {
    return this.node(q, this.o.layout.byPath.get('')!);
  }

  /** The clause as one full-text match on one table (so a dialect can score it), or null. */
  scorable(clause: Query): Sql | null {
    const plain = this.node(clause, this.o.layout.byPath.get('')!);
    return plain.ftsTable === undefined ? null : plain;
  }

  protected node(q: Query, t: DocType): Sql {
    switch (q.kind) {
      case 'match_all':
        return this.all(t);
      case 'match_none':
        return this.none;
      case 'bool':
        return this.bool(q.must, q.filter, q.should, q.mustNot, q.minimumShouldMatch, t);
      case 'constant_score':
        return this.node(q.filter, t);
      case 'dis_max':
        return q.queries.length === 0 ? this.none : this.join(q.queries.map((c) => this.node(c, t)), 'UNION');
      case 'boosting':
        return this.node(q.positive, t);
      case 'nested':
        return this.nested(q.path, q.query, t);
      case 'ids':
        return t.path === '' && q.values.length > 0 ? sql(this.o.dialect.idsIn(ftsTable(this.o.dataset, t), q.values.length), ...q.values) : this.none;
      case 'exists':
        return this.exists(q.field, t);
      case 'term':
        return this.terms(q.field, [q.value], q.caseInsensitive);
      case 'terms':
        return this.terms(q.field, q.values, false);
      case 'range':
        return this.range(q.field, q);
      case 'prefix':
        return q.caseInsensitive
          ? this.expand(q.field, (s) => s.toLowerCase().startsWith(q.value.toLowerCase()), '')
          : this.prefix(q.field, q.value);
      case 'wildcard': {
        const re = wildcardToRegExp(q.pattern, q.caseInsensitive);
        return this.expand(q.field, (s) => re.test(s), q.caseInsensitive ? '' : literalPrefix(q.pattern, '*?\\'));
      }
      case 'regexp': {
        const re = luceneRegexpToRegExp(q.pattern, q.caseInsensitive);
        return this.expand(q.field, (s) => re.test(s), '');
      }
      case 'fuzzy': {
        const edits = maxEdits(q.fuzziness, q.value);
        const prefix = q.value.slice(0, q.prefixLength);
        const terms = this.fuzzyTerms(q.field, q.value, edits, prefix, q.maxExpansions, q.transpositions);
        return terms.length === 0 ? this.none : this.fts(q.field, (x) => x.or(terms.map((t) => x.term(encodeToken(t)))));
      }
      case 'match':
        return this.match(q.field, q.text, q.operator, q.minimumShouldMatch, q.fuzziness === null ? null : (tok) => this.fuzzyTerms(q.field, tok, maxEdits(q.fuzziness!, tok), tok.slice(0, q.prefixLength), q.maxExpansions), q.zeroTermsQuery, t);
      case 'match_phrase':
        return this.phrase(q.field, analyze(q.text), q.slop, false, q.zeroTermsQuery, t);
      case 'match_phrase_prefix':
        return this.phrase(q.field, analyze(q.text), q.slop, true, 'none', t);
      case 'match_bool_prefix':
        return this.boolPrefix(q.field, q.text, q.operator, q.minimumShouldMatch);
    }
  }

  /** Every indexed document of the type (records imported with a deferred index are not yet). */
  protected all(t: DocType): Sql {
    return sql(this.o.dialect.all(ftsTable(this.o.dataset, t)));
  }

  protected bool(must: readonly Query[], filter: readonly Query[], should: readonly Query[], mustNot: readonly Query[], msm: string | number | null, t: DocType): Sql {
    const required = [...must, ...filter].map((c) => this.node(c, t));
    const needShould = should.length === 0 ? 0 : msm === null ? (required.length === 0 ? 1 : 0) : requiredShould(msm, should.length);
    if (needShould > should.length) return this.none;
    if (needShould === 1) required.push(this.join(should.map((c) => this.node(c, t)), 'UNION'));
    else if (needShould > 1) required.push(this.atLeast(should.map((c) => this.node(c, t)), needShould, true));
    const merged = this.o.dialect.mergeAnd?.(required) ?? required;
    const base = merged.length === 0 ? this.all(t) : merged.length === 1 && required.length > 1 ? merged[0]! : this.join(merged, 'INTERSECT');
    if (mustNot.length === 0) return base;
    const excluded = mustNot.map((c) => this.node(c, t));
    return this.o.dialect.exclude?.(base, excluded) ?? this.join([base, this.join(excluded, 'UNION')], 'EXCEPT');
  }

  protected nested(path: string, inner: Query, t: DocType): Sql {
    const child = this.o.layout.byPath.get(path);
    if (!child) return this.none;
    const ids = this.node(inner, child);
    if (child.parent === t.path && t.path === '') return { text: `SELECT id / ${docsPerRecord} AS id FROM ${this.o.dialect.from(ids.text)}`, params: ids.params };
    if (child.parent === t.path) return { text: `SELECT p.parent AS id FROM (${ids.text}) c JOIN ${parentTable(this.o.dataset, child)} p ON p.doc = c.id`, params: ids.params };
    return this.none;
  }

  /** One full-text match on the field's column; `build` writes the expression in the dialect's syntax. */
  protected fts(field: FieldRef, build: (syntax: TermSyntax) => string): Sql {
    const tf = this.o.layout.tokenField.get(field.path)!;
    const table = ftsTable(this.o.dataset, this.docTypeOf(field.def));
    return { ...this.o.dialect.match(table, tf.column, build(this.o.dialect.syntax(tf.column))), ftsTable: table };
  }

  protected docTypeOf(def: FieldDef): DocType {
    return this.o.layout.byPath.get(def.nestedPath ?? '')!;
  }

  protected exists(field: FieldRef, t: DocType): Sql {
    const def = field.def;
    if (def.type === 'nested') return this.nested(def.path, { kind: 'match_all', boost: 1 }, t);
    if (def.type === 'object') {
      const leaves = [...this.o.layout.tokenField.keys(), ...this.o.layout.numberField.keys()].filter((p) => p.startsWith(`${def.path}.`));
      const parts = leaves.map((p) => this.exists({ path: p, def: (this.o.layout.tokenField.get(p) ?? this.o.layout.numberField.get(p))!.def }, t));
      return parts.length === 0 ? this.none : this.join(parts, 'UNION');
    }
    const nf = this.o.layout.numberField.get(field.path);
    if (nf) return sql(`SELECT doc AS id FROM ${numTable(this.o.dataset, this.docTypeOf(def))} WHERE field = ?`, nf.id);
    return this.fts(field, (x) => x.term(existsToken));
  }

  protected numberValue(def: FieldDef, v: Scalar | string | number): number | null {
    if (def.type === 'date') return typeof v === 'number' ? v : dateToEpochMs(v, def.format) ?? dateToEpochMs(v);
    if (def.type === 'boolean') return v === true || v === 'true' ? 1 : 0;
    const n = typeof v === 'string' ? Number(v) : v;
    return typeof n === 'number' && Number.isFinite(n) ? n : null;
  }

  protected terms(field: FieldRef, values: readonly Scalar[], caseInsensitive: boolean): Sql {
    const nf = this.o.layout.numberField.get(field.path);
    if (nf) {
      const nums = values.map((v) => this.numberValue(field.def, v)).filter((n): n is number => n !== null);
      if (nums.length === 0) return this.none;
      return sql(`SELECT doc AS id FROM ${numTable(this.o.dataset, this.docTypeOf(field.def))} WHERE field = ? AND value IN (${nums.map(() => '?').join(', ')})`, nf.id, ...nums);
    }
    if (caseInsensitive) {
      const wanted = new Set(values.map((v) => String(v).toLowerCase()));
      return this.expand(field, (s) => wanted.has(s.toLowerCase()), '');
    }
    return this.fts(field, (x) => x.or(values.map((v) => x.term(encodeToken(String(v))))));
  }

  protected range(field: FieldRef, q: { gt?: string | number; gte?: string | number; lt?: string | number; lte?: string | number }): Sql {
    const nf = this.o.layout.numberField.get(field.path);
    if (!nf) {
      // Ranges over keyword/text terms compare strings, as Elasticsearch does.
      return this.expand(field, (s) => (q.gt === undefined || s > String(q.gt)) && (q.gte === undefined || s >= String(q.gte)) && (q.lt === undefined || s < String(q.lt)) && (q.lte === undefined || s <= String(q.lte)), '');
    }
    const conds: string[] = ['field = ?'];
    const params: unknown[] = [nf.id];
    for (const [op, v] of [['>', q.gt], ['>=', q.gte], ['<', q.lt], ['<=', q.lte]] as const) {
      if (v === undefined) continue;
      const n = this.numberValue(field.def, v);
      if (n === null) return this.none;
      conds.push(`value ${op} ?`);
      params.push(n);
    }
    return { text: `SELECT doc AS id FROM ${numTable(this.o.dataset, this.docTypeOf(field.def))} WHERE ${conds.join(' AND ')}`, params };
  }

  /** Stored terms of the field's column whose decoded value passes `test`, as an FTS OR. */
  /**
   * Stored terms of the field's column whose decoded value passes `test`, as FTS ORs. Like
   * Elasticsearch's constant-score rewrite there is no cap on the number of terms (the search
   * time budget bounds the cost); large expansions are split into chunks of 500 terms.
   */
  protected expand(field: FieldRef, test: (decoded: string) => boolean, literalPrefixHint: string): Sql {
    const tf = this.o.layout.tokenField.get(field.path);
    if (!tf) return this.none;
    const type = this.docTypeOf(field.def);
    const found = this.o.vocabulary(type.path, tf.column, literalPrefixHint).filter(test);
    if (found.length === 0) return this.none;
    const chunks: Sql[] = [];
    for (let i = 0; i < found.length; i += 500) {
      const chunk = found.slice(i, i + 500);
      chunks.push(this.fts(field, (x) => x.or(chunk.map((s) => x.term(encodeToken(s))))));
    }
    return chunks.length === 1 ? chunks[0]! : this.join(chunks, 'UNION');
  }

  /**
   * A prefix is an FTS5 prefix query, with no expansion: on the plain form when the prefix could
   * start a plain token, and on the encoded form (a byte prefix of the hex) always.
   */
  protected prefix(field: FieldRef, value: string): Sql {
    if (!this.o.layout.tokenField.has(field.path)) return this.none;
    if (value === '') return this.exists(field, this.docTypeOf(field.def));
    const hex = Buffer.from(value, 'utf8').toString('hex');
    const forms = [mark + hex, ...(/^[a-z0-9]+$/.test(value) ? [value] : [])];
    return this.fts(field, (x) => x.or(forms.map((f) => x.prefix(f))));
  }

  /** Terms within `edits` of `token`, closest first, at most `limit` (Elasticsearch's max_expansions). */
  protected fuzzyTerms(field: FieldRef, token: string, edits: number, prefix: string, limit: number, transpositions = true): string[] {
    const tf = this.o.layout.tokenField.get(field.path);
    if (!tf) return [];
    const type = this.docTypeOf(field.def);
    return this.o.vocabulary(type.path, tf.column, prefix)
      .filter((s) => s.startsWith(prefix))
      .map((s) => ({ s, d: boundedEditDistance(token, s, edits, transpositions) }))
      .filter((x) => x.d <= edits)
      .sort((a, b) => a.d - b.d || (a.s < b.s ? -1 : 1))
      .slice(0, limit)
      .map((x) => x.s);
  }

  protected match(field: FieldRef, text: string, operator: 'or' | 'and', msm: string | number | null, fuzzy: ((token: string) => string[]) | null, zeroTerms: 'none' | 'all', t: DocType): Sql {
    if (!this.o.layout.tokenField.has(field.path) || field.def.type !== 'text') return this.terms(field, [text], false);
    const tokens = [...new Set(analyze(text))];
    if (tokens.length === 0) return zeroTerms === 'all' ? this.all(t) : this.none;
    const forms = tokens.map((tok) => (fuzzy ? [...new Set([tok, ...fuzzy(tok)])] : [tok]));
    const alternatives = (x: TermSyntax): string[] => forms.map((f) => x.group(x.or(f.map((t) => x.term(encodeToken(t))))));
    const need = operator === 'and' ? tokens.length : msm === null ? 1 : Math.max(1, requiredShould(msm, tokens.length));
    if (need > tokens.length) return this.none;
    if (need === 1) return this.fts(field, (x) => x.or(alternatives(x)));
    if (need === tokens.length) return this.fts(field, (x) => x.and(alternatives(x)));
    const parts = forms.map((_, i) => this.fts(field, (x) => alternatives(x)[i]!));
    return this.atLeast(parts, need, false);
  }

  protected phrase(field: FieldRef, tokens: readonly string[], slop: number, prefixLast: boolean, zeroTerms: 'none' | 'all', t: DocType): Sql {
    if (!this.o.layout.tokenField.has(field.path) || field.def.type !== 'text') return this.terms(field, [tokens.join(' ')], false);
    if (tokens.length === 0) return zeroTerms === 'all' ? this.all(t) : this.none;
    const stored = tokens.map(encodeToken);
    if (prefixLast) {
      const last = tokens[tokens.length - 1]!;
      const forms = this.o.vocabulary(this.docTypeOf(field.def).path, this.o.layout.tokenField.get(field.path)!.column, last).filter((s) => s.startsWith(last)).slice(0, 50);
      if (forms.length === 0) return this.none;
      const head = stored.slice(0, -1);
      return this.join(forms.map((f) => this.fts(field, (x) => x.phrase([...head, encodeToken(f)]))), 'UNION');
    }
    if (slop === 0 || stored.length === 1) return this.fts(field, (x) => x.phrase(stored));
    // Proximity in either order: a documented approximation of sloppy phrases.
    return this.fts(field, (x) => x.near(stored, slop));
  }

  protected boolPrefix(field: FieldRef, text: string, operator: 'or' | 'and', msm: string | number | null): Sql {
    const tokens = analyze(text);
    if (tokens.length === 0) return this.none;
    const type = this.docTypeOf(field.def);
    const tf = this.o.layout.tokenField.get(field.path);
    if (!tf) return this.none;
    const last = tokens[tokens.length - 1]!;
    const lastForms = this.o.vocabulary(type.path, tf.column, last).filter((s) => s.startsWith(last)).slice(0, this.o.maxExpansions);
    const parts = [
      ...tokens.slice(0, -1).map((tok) => this.fts(field, (x) => x.term(encodeToken(tok)))),
      lastForms.length > 0 ? this.fts(field, (x) => x.or(lastForms.map((f) => x.term(encodeToken(f))))) : this.none,
    ];
    const need = operator === 'and' ? parts.length : msm === null ? 1 : Math.max(1, requiredShould(msm, parts.length));
    if (need === 1) return this.join(parts, 'UNION');
    return this.atLeast(parts, need, true);
  }
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
 * Relevance: BM25 (FTS5's bm25(), k1 = 1.2, b = 0.75 like Elasticsearch) of every text clause
 * that scores in Elasticsearch — must/should (not filter or must_not) at the root document type —
 * summed per record and multiplied by boosts. Nested clauses and constant_score add nothing here;
 * docs/query-dsl.md lists this as a difference.
 */
export function scoringClauses(q: Query, boost = 1): { field: FieldRef; expression: Query; boost: number }[] {
  const b = boost * q.boost;
  switch (q.kind) {
    case 'bool':
      return [...q.must, ...q.should].flatMap((c) => scoringClauses(c, b));
    case 'dis_max':
      return q.queries.flatMap((c) => scoringClauses(c, b));
    case 'boosting':
      return scoringClauses(q.positive, b);
    case 'match':
    case 'match_phrase':
    case 'match_phrase_prefix':
    case 'match_bool_prefix':
    case 'term':
    case 'terms':
      return q.field.def.nestedPath === null ? [{ field: q.field, expression: q, boost: b }] : [];
    default:
      return [];
  }
}
