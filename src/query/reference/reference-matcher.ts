// The reference evaluator: whether a record matches a query, computed directly from the record
// with Elasticsearch's semantics. It is the executable definition of Rollcall's query semantics;
// store compilers are tested against it on generated data. It is far too slow to serve searches.
import type { FieldDef } from '../../datasets/mapping.js';
import { entriesAt } from '../../datasets/record-paths.js';
import { dateToEpochMs } from '../../datasets/date-values.js';
import { analyze } from '../analyzer.js';
import type { Bool, FieldRef, Match, Query, Scalar } from '../ast.js';
import { indexedValues, rawValues, type DocContext, type Indexed, type IndexedValue } from './indexed-values.js';
import { boundedEditDistance, luceneRegexpToRegExp, maxEdits, requiredShould, wildcardToRegExp } from './patterns.js';

type Ctx = DocContext;

function fieldTerms(ix: Indexed, def: FieldDef): IndexedValue[] {
  return def.type === 'text' ? ix.tokens.map((t) => t.token) : [...ix.values];
}

/** A query value as the field would index it (numbers and dates as numbers). */
function coerce(def: FieldDef, value: Scalar): IndexedValue | null {
  switch (def.type) {
    case 'text':
    case 'keyword':
      return String(value);
    case 'date':
      return dateToEpochMs(value, def.format) ?? dateToEpochMs(value);
    case 'boolean':
      return value === true || value === 'true';
    default: {
      const n = typeof value === 'string' ? Number(value) : value;
      return typeof n === 'number' && Number.isFinite(n) ? n : null;
    }
  }
}

function termMatches(ctx: Ctx, field: FieldRef, value: Scalar, caseInsensitive = false): boolean {
  const want = coerce(field.def, value);
  if (want === null) return false;
  const terms = fieldTerms(indexedValues(ctx, field.def), field.def);
  if (caseInsensitive && typeof want === 'string') return terms.some((t) => typeof t === 'string' && t.toLowerCase() === want.toLowerCase());
  return terms.some((t) => t === want);
}

function stringTerms(ctx: Ctx, field: FieldRef): string[] {
  return fieldTerms(indexedValues(ctx, field.def), field.def).map(String);
}

function inRange(v: IndexedValue, q: { gt?: IndexedValue | null; gte?: IndexedValue | null; lt?: IndexedValue | null; lte?: IndexedValue | null }): boolean {
  if (q.gt != null && !(v > q.gt)) return false;
  if (q.gte != null && !(v >= q.gte)) return false;
  if (q.lt != null && !(v < q.lt)) return false;
  if (q.lte != null && !(v <= q.lte)) return false;
  return true;
}

/** Positions of each query token in the field, or null when some token is absent. */
function positionsOf(ctx: Ctx, field: FieldRef, tokens: readonly string[]): number[][] | null {
  const ix = indexedValues(ctx, field.def);
  const lists = tokens.map((t) => ix.tokens.filter((x) => x.token === t).map((x) => x.position));
  return lists.some((l) => l.length === 0) ? null : lists;
}

/**
 * Sloppy phrase test as Lucene measures it: with each term's position shifted back by its
 * offset in the phrase, the spread (max - min) must not exceed the slop. Exact phrases have 0.
 * Each term takes a position of its own (a repeated word needs as many occurrences).
 */
function phraseMatches(lists: number[][], slop: number): boolean {
  const used = new Set<number>();
  const search = (i: number, min: number, max: number): boolean => {
    if (i === lists.length) return max - min <= slop;
    for (const p of lists[i]!) {
      if (used.has(p)) continue;
      const shifted = p - i;
      const lo = Math.min(min, shifted);
      const hi = Math.max(max, shifted);
      if (hi - lo > slop) continue;
      used.add(p);
      const found = search(i + 1, lo, hi);
      used.delete(p);
      if (found) return true;
    }
    return false;
  };
  return lists.length === 0 ? false : search(0, Infinity, -Infinity);
}

/** Whether a field's terms hold a word of a match query, within its fuzziness. */
function wordHit(terms: ReadonlySet<string>, token: string, q: Pick<Match, 'fuzziness' | 'prefixLength' | 'transpositions'>): boolean {
  if (terms.has(token)) return true;
  if (q.fuzziness === null) return false;
  const edits = maxEdits(q.fuzziness, token);
  const prefix = token.slice(0, q.prefixLength);
  for (const t of terms) if (t.startsWith(prefix) && boundedEditDistance(token, t, edits, q.transpositions) <= edits) return true;
  return false;
}

function matchQuery(ctx: Ctx, q: Match): boolean {
  if (q.field.def.type !== 'text') return termMatches(ctx, q.field, q.text);
  const tokens = analyze(q.text);
  if (tokens.length === 0) return q.zeroTermsQuery === 'all';
  const terms = new Set(stringTerms(ctx, q.field));
  const matched = tokens.filter((token) => wordHit(terms, token, q)).length;
  if (q.operator === 'and') return matched === tokens.length;
  const need = q.minimumShouldMatch === null ? 1 : Math.max(1, requiredShould(q.minimumShouldMatch, tokens.length));
  return matched >= need;
}

function boolMatches(ctx: Ctx, q: Bool): boolean {
  if (!q.must.every((c) => matches(c, ctx)) || !q.filter.every((c) => matches(c, ctx))) return false;
  if (q.mustNot.some((c) => matches(c, ctx))) return false;
  if (q.should.length === 0) return true;
  const defaultNeed = q.must.length + q.filter.length === 0 ? 1 : 0;
  const need = q.minimumShouldMatch === null ? defaultNeed : requiredShould(q.minimumShouldMatch, q.should.length);
  if (need === 0) return true;
  return q.should.filter((c) => matches(c, ctx)).length >= need;
}

function nestedEntries(ctx: Ctx, path: string): Ctx[] {
  const relative = ctx.base === '' ? path : path.slice(ctx.base.length + 1);
  return entriesAt(ctx.obj, relative).map((obj) => ({ obj, base: path }));
}

export function matches(q: Query, ctx: Ctx): boolean {
  switch (q.kind) {
    case 'match_all':
      return true;
    case 'match_none':
      return false;
    case 'bool':
      return boolMatches(ctx, q);
    case 'term':
      return termMatches(ctx, q.field, q.value, q.caseInsensitive);
    case 'terms':
      return q.values.some((v) => termMatches(ctx, q.field, v));
    case 'ids':
      return q.values.includes(Number(ctx.obj['id']));
    case 'range': {
      const def = q.field.def;
      const bound = (v: string | number | undefined) => (v === undefined ? null : coerce(def, v));
      const bounds = { gt: bound(q.gt), gte: bound(q.gte), lt: bound(q.lt), lte: bound(q.lte) };
      return fieldTerms(indexedValues(ctx, def), def).some((v) => inRange(v, bounds));
    }
    case 'exists': {
      const def = q.field.def;
      if (def.type === 'nested' || def.type === 'object') return rawValues(ctx, def).some((v) => v !== null && (typeof v !== 'object' || Object.keys(v).length > 0));
      return indexedValues(ctx, def).length > 0;
    }
    case 'prefix':
      return stringTerms(ctx, q.field).some((t) => (q.caseInsensitive ? t.toLowerCase().startsWith(q.value.toLowerCase()) : t.startsWith(q.value)));
    case 'wildcard': {
      const re = wildcardToRegExp(q.pattern, q.caseInsensitive);
      return stringTerms(ctx, q.field).some((t) => re.test(t));
    }
    case 'regexp': {
      const re = luceneRegexpToRegExp(q.pattern, q.caseInsensitive);
      return stringTerms(ctx, q.field).some((t) => re.test(t));
    }
    case 'fuzzy': {
      const edits = maxEdits(q.fuzziness, q.value);
      const prefix = q.value.slice(0, q.prefixLength);
      return stringTerms(ctx, q.field).some((t) => t.startsWith(prefix) && boundedEditDistance(q.value, t, edits, q.transpositions) <= edits);
    }
    case 'match':
      return matchQuery(ctx, q);
    case 'match_phrase': {
      if (q.field.def.type !== 'text') return termMatches(ctx, q.field, q.text);
      const tokens = analyze(q.text);
      if (tokens.length === 0) return q.zeroTermsQuery === 'all';
      const lists = positionsOf(ctx, q.field, tokens);
      return lists !== null && phraseMatches(lists, q.slop);
    }
    case 'match_phrase_prefix': {
      const tokens = analyze(q.text);
      if (tokens.length === 0) return false;
      const last = tokens[tokens.length - 1]!;
      const ix = indexedValues(ctx, q.field.def);
      const lastPositions = ix.tokens.filter((t) => t.token.startsWith(last)).map((t) => t.position);
      const head = positionsOf(ctx, q.field, tokens.slice(0, -1));
      if (lastPositions.length === 0 || head === null) return false;
      return phraseMatches([...head, lastPositions], q.slop);
    }
    case 'match_bool_prefix': {
      const tokens = analyze(q.text);
      if (tokens.length === 0) return false;
      const terms = new Set(stringTerms(ctx, q.field));
      const hits = tokens.filter((t, i) => (i === tokens.length - 1 ? [...terms].some((x) => x.startsWith(t)) : wordHit(terms, t, q))).length;
      if (q.operator === 'and') return hits === tokens.length;
      const need = q.minimumShouldMatch === null ? 1 : Math.max(1, requiredShould(q.minimumShouldMatch, tokens.length));
      return hits >= need;
    }
    case 'nested':
      return nestedEntries(ctx, q.path).some((entry) => matches(q.query, entry));
    case 'constant_score':
      return matches(q.filter, ctx);
    case 'dis_max':
      return q.queries.some((c) => matches(c, ctx));
    case 'boosting':
      return matches(q.positive, ctx);
  }
}

/** Ids of the records that match, in input order. */
export function referenceSearch(q: Query, records: readonly Record<string, unknown>[]): number[] {
  return records.filter((r) => matches(q, { obj: r, base: '' })).map((r) => Number(r['id']));
}
