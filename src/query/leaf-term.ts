// JSON parsers for the term-level leaves: term, terms, ids, exists, prefix, wildcard, regexp, fuzzy.
import type { Query, Scalar } from './ast.js';
import { defaultMaxDeterminizedStates } from './regexp-check.js';
import { expandField, matchNone, resolveField } from './fields.js';
import {
  eachParam, isObject, readBool, readBoost, readInt, readObject, readString, readText, singleField,
} from './json-read.js';
import {
  buildExists, buildFuzzy, buildPattern, buildTerm, buildTerms, defaultFuzzy, parseFuzziness, type FuzzyOptions,
  type PatternKind,
} from './leaf-builders.js';
import { invalid, invalidExact, MAX_CLAUSES, tooManyClauses } from './query-errors.js';
import type { Site } from './parse-context.js';
import { checkScalar, ValueError } from './values.js';

const MAX_TERMS = 65_536;

function scalar(raw: unknown, q: string, at: string): Scalar {
  try {
    return checkScalar(raw, q);
  } catch (e) {
    if (e instanceof ValueError) invalid(e.message, at);
    throw e;
  }
}

/** `_id` is Elasticsearch's document id; Rollcall's ids are the records' numeric `id`. */
function idsQuery(raws: readonly unknown[], boost: number): Query {
  const values = raws.map((v) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN))
    .filter((n) => Number.isSafeInteger(n));
  return values.length === 0 ? matchNone(boost) : { kind: 'ids', values: [...new Set(values)], boost };
}

export function parseTerm(body: unknown, site: Site): Query {
  const [path, spec] = singleField(body, 'term', site.at);
  let raw: unknown = spec;
  let boost = 1;
  let caseInsensitive = false;
  if (isObject(spec)) {
    raw = undefined;
    eachParam(spec, 'term', site.at, {
      value: (v) => { raw = v; },
      boost: (v) => { boost = readBoost(v, 'term', site.at); },
      case_insensitive: (v) => { caseInsensitive = readBool(v, 'term', 'case_insensitive', site.at); },
    });
    if (raw === undefined) invalid('[term] query malformed, no value specified', site.at);
  }
  if (Array.isArray(raw)) invalid('[term] query does not support array of values', site.at);
  const value = scalar(raw, 'term', site.at);
  if (path === '_id') return idsQuery([value], boost);
  return buildTerm(site, resolveField(site, path, 'term'), value, boost, caseInsensitive);
}

export function parseTerms(body: unknown, site: Site): Query {
  const obj = readObject(body, 'terms', site.at);
  let boost = 1;
  let path: string | null = null;
  let values: unknown[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'boost') boost = readBoost(value, 'terms', site.at);
    else if (key === '_name') continue;
    else if (Array.isArray(value)) {
      if (path !== null) invalid(`[terms] query doesn't support multiple fields, found [${path}] and [${key}]`, site.at);
      path = key;
      values = value;
    } else if (isObject(value)) invalid('[terms] query does not support terms lookup', site.at);
    else invalid(`[terms] query does not support [${key}]`, site.at);
  }
  if (path === null) return invalid('[terms] query requires a field with an array of values', site.at);
  if (values.length > MAX_TERMS) invalid(`[terms] query exceeds max terms count of ${MAX_TERMS}`, site.at);
  // Each value is a clause: fail before converting thousands of values the query cannot keep.
  if (values.length > MAX_CLAUSES) tooManyClauses();
  const scalars = values.map((v) => scalar(v, 'terms', site.at));
  if (path === '_id') return idsQuery(scalars, boost);
  return buildTerms(site, resolveField(site, path, 'terms'), scalars, boost);
}

export function parseIds(body: unknown, site: Site): Query {
  const obj = readObject(body, 'ids', site.at);
  const p: { values?: unknown[]; boost?: number } = {};
  eachParam(obj, 'ids', site.at, {
    values: (v) => {
      if (!Array.isArray(v)) invalid('[ids] [values] must be an array', site.at);
      p.values = v;
    },
    type: () => undefined, // mapping types are gone since Elasticsearch 7; accepted and ignored
    boost: (v) => { p.boost = readBoost(v, 'ids', site.at); },
  });
  if (p.values === undefined) return invalid('[ids] query, no ids values provided', site.at);
  return idsQuery(p.values, p.boost ?? 1);
}

export function parseExists(body: unknown, site: Site): Query {
  const obj = readObject(body, 'exists', site.at);
  const p: { field?: string; boost?: number } = {};
  eachParam(obj, 'exists', site.at, {
    field: (v) => { p.field = readString(v, 'exists', 'field', site.at); },
    boost: (v) => { p.boost = readBoost(v, 'exists', site.at); },
  });
  const boost = p.boost ?? 1;
  if (p.field === undefined) return invalid('[exists] must be provided with a [field]', site.at);
  if (!p.field.includes('*')) return buildExists(site, resolveField(site, p.field, 'exists', true), boost);
  // A pattern: any of the matching fields has a value.
  const should = expandField(site, p.field, 1, 'exists').map((wf) => buildExists(site, wf.field, 1));
  if (should.length === 0) return matchNone(boost);
  return { kind: 'bool', must: [], filter: [], should, mustNot: [], minimumShouldMatch: null, boost };
}

const regexpFlags = new Set(['ALL', 'ANYSTRING', 'COMPLEMENT', 'EMPTY', 'INTERSECTION', 'INTERVAL', 'NONE']);

/** prefix, wildcard and regexp share one shape: `{"<q>": {"<field>": "<v>" | {value, ...}}}`. */
export function parsePatternQuery(kind: PatternKind, body: unknown, site: Site): Query {
  const [path, spec] = singleField(body, kind, site.at);
  let value: string | null = isObject(spec) ? null : readText(spec, kind, 'value', site.at);
  let boost = 1;
  let caseInsensitive = false;
  let maxStates = defaultMaxDeterminizedStates;
  if (isObject(spec)) {
    const setValue = (v: unknown): void => { value = readText(v, kind, 'value', site.at); };
    eachParam(spec, kind, site.at, {
      value: setValue,
      ...(kind === 'wildcard' ? { wildcard: setValue } : {}),
      boost: (v) => { boost = readBoost(v, kind, site.at); },
      case_insensitive: (v) => { caseInsensitive = readBool(v, kind, 'case_insensitive', site.at); },
      rewrite: (v) => { readString(v, kind, 'rewrite', site.at); },
      ...(kind === 'regexp' ? {
        flags: (v: unknown) => {
          for (const f of readString(v, kind, 'flags', site.at).split('|')) {
            if (!regexpFlags.has(f.trim().toUpperCase())) invalid(`[regexp] Unknown regexp flag [${f}]`, site.at);
          }
        },
        flags_value: (v: unknown) => { readInt(v, kind, 'flags_value', site.at); },
        max_determinized_states: (v: unknown) => { maxStates = readInt(v, kind, 'max_determinized_states', site.at); },
      } : {}),
    });
  }
  if (value === null) return invalid(`[${kind}] query malformed, no value specified`, site.at);
  return buildPattern(kind, site, resolveField(site, path, kind), value, boost, caseInsensitive, false, maxStates);
}

export function parseFuzzy(body: unknown, site: Site): Query {
  // Coresignal documents this exact message (no clause path appended).
  const keys = isObject(body) ? Object.keys(body) : [];
  if (keys.length > 1) invalidExact(`[fuzzy] query doesn't support multiple fields, found [${keys[0]}] and [${keys[1]}]`, site.at);
  const [path, spec] = singleField(body, 'fuzzy', site.at);
  let value: string | null = isObject(spec) ? null : readText(spec, 'fuzzy', 'value', site.at);
  let boost = 1;
  const o: { -readonly [K in keyof FuzzyOptions]: FuzzyOptions[K] } = { ...defaultFuzzy };
  if (isObject(spec)) {
    eachParam(spec, 'fuzzy', site.at, {
      value: (v) => { value = readText(v, 'fuzzy', 'value', site.at); },
      fuzziness: (v) => { o.fuzziness = parseFuzziness(v, 'fuzzy', site.at); },
      prefix_length: (v) => { o.prefixLength = readInt(v, 'fuzzy', 'prefix_length', site.at); },
      max_expansions: (v) => { o.maxExpansions = readInt(v, 'fuzzy', 'max_expansions', site.at); },
      transpositions: (v) => { o.transpositions = readBool(v, 'fuzzy', 'transpositions', site.at); },
      rewrite: (v) => { readString(v, 'fuzzy', 'rewrite', site.at); },
      boost: (v) => { boost = readBoost(v, 'fuzzy', site.at); },
    });
  }
  if (value === null) return invalid('[fuzzy] query malformed, no value specified', site.at);
  return buildFuzzy(site, resolveField(site, path, 'fuzzy'), value, o, boost);
}
