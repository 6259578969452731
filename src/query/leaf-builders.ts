// Builders for term-level leaves, shared by the JSON query parsers and by query_string /
// simple_query_string / multi_match. Each checks the value against the field type and applies the
// nested-scope rule; `lenient` turns a value the field cannot hold into match_none instead of an error.
import type { FieldRef, Fuzziness, Query, RangeValue, Scalar } from './ast.js';
import { matchNone, scoped } from './fields.js';
import { invalid } from './query-errors.js';
import type { Site } from './parse-context.js';
import { checkRegexp, defaultMaxDeterminizedStates, regexpStates } from './regexp-check.js';
import { luceneRegexpToRegExp } from './reference/patterns.js';
import { dateValue, NO_MATCH, rangeValue, termValue, ValueError, type DateOptions } from './values.js';

/** Runs a builder, turning a ValueError into match_none (lenient) or a 400 naming the clause. */
function guarded(site: Site, lenient: boolean, boost: number, build: () => Query): Query {
  try {
    return build();
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    if (lenient) return matchNone(boost);
    return invalid(e.message, site.at);
  }
}

export function buildTerm(site: Site, field: FieldRef, raw: Scalar, boost: number, caseInsensitive = false, lenient = false): Query {
  return guarded(site, lenient, boost, () => {
    if (field.def.type === 'date') {
      // As Elasticsearch does, a term on a date is the range the (possibly rounded) date covers.
      const opts = { now: site.ctx.now };
      const lo = dateValue(field.def, raw, false, opts);
      const hi = dateValue(field.def, raw, true, opts);
      if (lo === hi) return scoped(site, field, { kind: 'term', field, value: lo, caseInsensitive, boost });
      return scoped(site, field, { kind: 'range', field, gte: lo, lte: hi, boost });
    }
    const value = termValue(field.def, raw);
    if (value === NO_MATCH) return matchNone(boost);
    return scoped(site, field, { kind: 'term', field, value, caseInsensitive, boost });
  });
}

export function buildTerms(site: Site, field: FieldRef, raws: readonly Scalar[], boost: number): Query {
  return guarded(site, false, boost, () => {
    const values = new Set<Scalar>();
    for (const raw of raws) {
      const v = field.def.type === 'date' ? dateValue(field.def, raw, false, { now: site.ctx.now }) : termValue(field.def, raw);
      if (v !== NO_MATCH) values.add(v);
    }
    if (values.size === 0) return matchNone(boost);
    return scoped(site, field, { kind: 'terms', field, values: [...values], boost });
  });
}

export interface Bounds {
  readonly from: Scalar | null;
  readonly to: Scalar | null;
  readonly includeLower: boolean;
  readonly includeUpper: boolean;
}

export function buildRange(site: Site, field: FieldRef, b: Bounds, boost: number, opts: DateOptions, lenient = false): Query {
  // A range with no bounds matches every document that has a value, i.e. `exists`.
  if (b.from === null && b.to === null) return buildExists(site, field, boost);
  return guarded(site, lenient, boost, () => {
    const node: { -readonly [K in 'gt' | 'gte' | 'lt' | 'lte']?: RangeValue } = {};
    // Elasticsearch rounding: gt and lte round up, gte and lt round down.
    if (b.from !== null) node[b.includeLower ? 'gte' : 'gt'] = rangeValue(field.def, b.from, !b.includeLower, opts);
    if (b.to !== null) node[b.includeUpper ? 'lte' : 'lt'] = rangeValue(field.def, b.to, b.includeUpper, opts);
    return scoped(site, field, { kind: 'range', field, ...node, boost });
  });
}

export function buildExists(site: Site, field: FieldRef, boost: number): Query {
  return scoped(site, field, { kind: 'exists', field, boost });
}

function checkStringField(field: FieldRef, q: string): void {
  if (field.def.type !== 'text' && field.def.type !== 'keyword') {
    throw new ValueError(`failed to create query: Can only use ${q} queries on keyword and text fields - not on [${field.path}] which is of type [${field.def.type}]`);
  }
}

export type PatternKind = 'prefix' | 'wildcard' | 'regexp';

/** Elasticsearch's `index.max_regex_length` default: longer patterns are refused before use. */
export const maxRegexLength = 1000;

/** What the engine's own compile of a well-formed pattern refuses (a reversed range `[z-a]`, say). */
function compileProblem(pattern: string, caseInsensitive: boolean): string | null {
  try {
    luceneRegexpToRegExp(pattern, caseInsensitive);
    return null;
  } catch (error) {
    return (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '');
  }
}

/** prefix / wildcard / regexp: `value` is the prefix, the Lucene wildcard pattern or the regexp. */
export function buildPattern(kind: PatternKind, site: Site, field: FieldRef, value: string, boost: number,
  caseInsensitive = false, lenient = false, maxStates = defaultMaxDeterminizedStates): Query {
  return guarded(site, lenient, boost, () => {
    checkStringField(field, kind);
    if (kind === 'prefix') return scoped(site, field, { kind, field, value, caseInsensitive, boost });
    if (kind === 'regexp') {
      if (value.length > maxRegexLength) {
        throw new ValueError(`failed to create query: The length of regex [${value.length}] used in the Regexp Query request has exceeded the allowed maximum of [${maxRegexLength}]. This maximum can be set by changing the [index.max_regex_length] index level setting.`);
      }
      const problem = checkRegexp(value) ?? compileProblem(value, caseInsensitive);
      if (problem) throw new ValueError(`failed to create query: invalid regular expression [${value}]: ${problem}`);
      const states = regexpStates(value);
      if (states > maxStates) {
        throw new ValueError(`failed to create query: Determinizing automaton of [${value.length > 100 ? `${value.slice(0, 100)}...` : value}] would result in more than ${maxStates} states (${states} counted). This maximum can be set with the [max_determinized_states] parameter.`);
      }
    }
    return scoped(site, field, { kind, field, pattern: value, caseInsensitive, boost });
  });
}

export interface FuzzyOptions {
  readonly fuzziness: Fuzziness;
  readonly prefixLength: number;
  readonly maxExpansions: number;
  readonly transpositions: boolean;
}

export const defaultFuzzy: FuzzyOptions = { fuzziness: 'AUTO', prefixLength: 0, maxExpansions: 50, transpositions: true };

export function buildFuzzy(site: Site, field: FieldRef, value: string, o: FuzzyOptions, boost: number, lenient = false): Query {
  return guarded(site, lenient, boost, () => {
    checkStringField(field, 'fuzzy');
    return scoped(site, field, { kind: 'fuzzy', field, value, ...o, boost });
  });
}

/** `fuzziness`: 0, 1, 2 (number or string), `AUTO`, or `AUTO:low,high`. */
export function parseFuzziness(raw: unknown, q: string, at: string): Fuzziness {
  const text = typeof raw === 'number' || typeof raw === 'string' ? String(raw).trim() : null;
  if (text === '0' || text === '1' || text === '2') return Number(text) as 0 | 1 | 2;
  if (text !== null && /^auto$/i.test(text)) return 'AUTO';
  const m = text === null ? null : /^auto:(\d+),(\d+)$/i.exec(text);
  if (m) {
    const low = Number(m[1]);
    const high = Number(m[2]);
    if (low > high) invalid(`[${q}] fuzziness wrongly configured, low distance [${low}] is higher than high distance [${high}]`, at);
    return { auto: true, low, high };
  }
  return invalid(`[${q}] [fuzziness] must be 0, 1, 2, AUTO or AUTO:low,high, found [${String(raw)}]`, at);
}
