// JSON parsers for match, match_phrase, match_phrase_prefix and match_bool_prefix, in the short
// form (`{"match": {"f": "text"}}`) and the long form (`{"match": {"f": {"query": "text", ...}}}`).
import type { Query } from './ast.js';
import { resolveField } from './fields.js';
import {
  eachParam, ignore, isObject, readBool, readBoost, readEnum, readInt, readMinimumShouldMatch, readString, readText,
  singleField, type Json,
} from './json-read.js';
import { parseFuzziness } from './leaf-builders.js';
import { buildMatch, defaultMatchOptions, type MatchKind, type MatchOptions } from './match-builders.js';
import { invalid } from './query-errors.js';
import type { Site } from './parse-context.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Handlers = Record<string, (v: unknown) => void>;

/** Only the standard analyzer exists in Rollcall; naming it is harmless, naming another is an error. */
export function checkAnalyzer(v: unknown, q: string, at: string): void {
  const name = readString(v, q, 'analyzer', at);
  if (name !== 'standard') invalid(`[${q}] analyzer [${name}] not found; Rollcall only supports [standard]`, at);
}

/** Parameters shared by match-like queries (also used by multi_match). */
export function matchParamHandlers(kind: string, o: Mutable<MatchOptions>, at: string): Handlers {
  return {
    operator: (v) => { o.operator = readEnum(v, ['or', 'and'], kind, 'operator', at); },
    minimum_should_match: (v) => { o.minimumShouldMatch = readMinimumShouldMatch(v, kind, at); },
    fuzziness: (v) => { o.fuzziness = parseFuzziness(v, kind, at); },
    prefix_length: (v) => { o.prefixLength = readInt(v, kind, 'prefix_length', at); },
    max_expansions: (v) => { o.maxExpansions = readInt(v, kind, 'max_expansions', at); },
    fuzzy_transpositions: (v) => { o.transpositions = readBool(v, kind, 'fuzzy_transpositions', at); },
    fuzzy_rewrite: (v) => { readString(v, kind, 'fuzzy_rewrite', at); },
    zero_terms_query: (v) => { o.zeroTermsQuery = readEnum(v, ['none', 'all'], kind, 'zero_terms_query', at); },
    slop: (v) => { o.slop = readInt(v, kind, 'slop', at); },
    analyzer: (v) => checkAnalyzer(v, kind, at),
    lenient: (v) => { o.lenient = readBool(v, kind, 'lenient', at); },
    auto_generate_synonyms_phrase_query: (v) => { readBool(v, kind, 'auto_generate_synonyms_phrase_query', at); },
    cutoff_frequency: ignore, // deprecated in Elasticsearch 7, removed in 8; it only affected scoring
    boost: (v) => { o.boost = readBoost(v, kind, at); },
  };
}

/** Which parameters each query type accepts (Elasticsearch rejects the others). */
const allowed: Readonly<Record<MatchKind, readonly string[]>> = {
  match: ['operator', 'minimum_should_match', 'fuzziness', 'prefix_length', 'max_expansions', 'fuzzy_transpositions',
    'fuzzy_rewrite', 'zero_terms_query', 'analyzer', 'lenient', 'auto_generate_synonyms_phrase_query', 'cutoff_frequency', 'boost'],
  match_phrase: ['slop', 'analyzer', 'zero_terms_query', 'boost'],
  match_phrase_prefix: ['slop', 'max_expansions', 'analyzer', 'zero_terms_query', 'boost'],
  match_bool_prefix: ['operator', 'minimum_should_match', 'fuzziness', 'prefix_length', 'max_expansions',
    'fuzzy_transpositions', 'fuzzy_rewrite', 'analyzer', 'boost'],
};

function pick(handlers: Handlers, names: readonly string[]): Handlers {
  return Object.fromEntries(names.map((n) => [n, handlers[n] as (v: unknown) => void]));
}

export function parseMatchLike(kind: MatchKind, body: unknown, site: Site): Query {
  const [path, spec] = singleField(body, kind, site.at);
  const o: Mutable<MatchOptions> = { ...defaultMatchOptions };
  const p: { text?: string } = {};
  if (isObject(spec)) {
    const handlers = pick(matchParamHandlers(kind, o, site.at), allowed[kind]);
    eachParam(spec as Json, kind, site.at, { ...handlers, query: (v) => { p.text = readText(v, kind, 'query', site.at); } });
  } else {
    p.text = readText(spec, kind, 'query', site.at);
  }
  if (p.text === undefined) return invalid(`[${kind}] requires query value`, site.at);
  return buildMatch(kind, site, resolveField(site, path, kind), p.text, o);
}
