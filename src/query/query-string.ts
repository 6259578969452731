// The `query_string` query: Lucene syntax parsed into the AST (never kept as text). Parameters
// follow Elasticsearch 7/8; a syntax error is Coresignal's documented `failed to parse query [...]`.
import type { Fuzziness, Query } from './ast.js';
import { withBoost } from './ast-util.js';
import { expandFields, matchNone } from './fields.js';
import {
  eachParam, ignore, readBool, readBoost, readEnum, readInt, readMinimumShouldMatch, readNumber, readObject, readString,
  readText,
} from './json-read.js';
import { defaultFuzzy, parseFuzziness } from './leaf-builders.js';
import { checkAnalyzer } from './leaf-match.js';
import { checkTimeZone } from './leaf-range.js';
import { invalid, invalidExact } from './query-errors.js';
import { QsConverter } from './query-string-convert.js';
import { QsSyntaxError } from './query-string-lexer.js';
import { parseLucene } from './query-string-parser.js';
import type { Site } from './parse-context.js';
import type { Zone } from './time-zone.js';

const types = ['best_fields', 'most_fields', 'cross_fields', 'phrase', 'phrase_prefix', 'bool_prefix'] as const;

interface Params {
  query?: string;
  defaultField?: string;
  fields?: string[];
  and: boolean;
  allowLeadingWildcard: boolean;
  analyzeWildcard: boolean;
  fuzziness: Fuzziness;
  prefixLength: number;
  maxExpansions: number;
  transpositions: boolean;
  phraseSlop: number;
  msm: string | number | null;
  lenient: boolean;
  boost: number;
  type: (typeof types)[number];
  tieBreaker: number;
  zone?: Zone;
  quoteFieldSuffix?: string;
}

export function readFieldList(v: unknown, q: string, at: string): string[] {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'string')) invalid(`[${q}] [fields] must be an array of field names`, at);
  return list;
}

function readParams(body: unknown, site: Site): Params {
  const q = 'query_string';
  const at = site.at;
  const p: Params = {
    and: false, allowLeadingWildcard: true, analyzeWildcard: false, fuzziness: 'AUTO', prefixLength: 0, maxExpansions: 50, transpositions: true,
    phraseSlop: 0, msm: null, lenient: false, boost: 1, type: 'best_fields', tieBreaker: 0,
  };
  eachParam(readObject(body, q, at), q, at, {
    query: (v) => { p.query = readText(v, q, 'query', at); },
    default_field: (v) => { p.defaultField = readString(v, q, 'default_field', at); },
    fields: (v) => { p.fields = readFieldList(v, q, at); },
    default_operator: (v) => { p.and = readEnum(v, ['or', 'and'], q, 'default_operator', at) === 'and'; },
    allow_leading_wildcard: (v) => { p.allowLeadingWildcard = readBool(v, q, 'allow_leading_wildcard', at); },
    fuzziness: (v) => { p.fuzziness = parseFuzziness(v, q, at); },
    fuzzy_prefix_length: (v) => { p.prefixLength = readInt(v, q, 'fuzzy_prefix_length', at); },
    fuzzy_max_expansions: (v) => { p.maxExpansions = readInt(v, q, 'fuzzy_max_expansions', at); },
    fuzzy_transpositions: (v) => { p.transpositions = readBool(v, q, 'fuzzy_transpositions', at); },
    phrase_slop: (v) => { p.phraseSlop = readInt(v, q, 'phrase_slop', at); },
    minimum_should_match: (v) => { p.msm = readMinimumShouldMatch(v, q, at); },
    lenient: (v) => { p.lenient = readBool(v, q, 'lenient', at); },
    boost: (v) => { p.boost = readBoost(v, q, at); },
    type: (v) => { p.type = readEnum(v, types, q, 'type', at); },
    tie_breaker: (v) => { p.tieBreaker = readNumber(v, q, 'tie_breaker', at); },
    time_zone: (v) => { p.zone = checkTimeZone(readString(v, q, 'time_zone', at), at); },
    quote_field_suffix: (v) => { p.quoteFieldSuffix = readString(v, q, 'quote_field_suffix', at); },
    analyzer: (v) => checkAnalyzer(v, q, at),
    quote_analyzer: (v) => checkAnalyzer(v, q, at),
    analyze_wildcard: (v) => { p.analyzeWildcard = readBool(v, q, 'analyze_wildcard', at); },
    // Accepted for compatibility; they only tune scoring or Lucene internals.
    auto_generate_synonyms_phrase_query: (v) => { readBool(v, q, 'auto_generate_synonyms_phrase_query', at); },
    enable_position_increments: (v) => { readBool(v, q, 'enable_position_increments', at); },
    escape: (v) => { readBool(v, q, 'escape', at); },
    max_determinized_states: (v) => { readInt(v, q, 'max_determinized_states', at); },
    fuzzy_rewrite: ignore,
    rewrite: ignore,
  });
  return p;
}

export function parseQueryString(body: unknown, site: Site): Query {
  const p = readParams(body, site);
  if (p.query === undefined) return invalid('[query_string] must be provided with a [query]', site.at);
  if (p.fields && p.defaultField !== undefined) {
    invalid('[query_string] cannot use [fields] parameter in conjunction with [default_field]', site.at);
  }
  const defaults = expandFields(site, p.fields ?? [p.defaultField ?? '*'], 'query_string');
  // Elasticsearch answers an empty query string with "no documents", not a parse error.
  if (p.query.trim() === '') return matchNone(p.boost);
  const converter = new QsConverter({
    text: {
      site, combine: p.type === 'most_fields' || p.type === 'bool_prefix' ? 'should' : 'dis_max', tieBreaker: p.tieBreaker,
      operator: p.and ? 'and' : 'or', lenient: p.lenient, zone: p.zone, quoteFieldSuffix: p.quoteFieldSuffix,
      fuzzy: { ...defaultFuzzy, prefixLength: p.prefixLength, maxExpansions: p.maxExpansions, transpositions: p.transpositions },
    },
    defaults, defaultName: p.fields ? null : (p.defaultField ?? '*'), and: p.and,
    allowLeadingWildcard: p.allowLeadingWildcard, analyzeWildcard: p.analyzeWildcard, fuzziness: p.fuzziness, phraseSlop: p.phraseSlop,
  });
  let q: Query | null;
  try {
    q = converter.group(parseLucene(p.query));
  } catch (e) {
    if (e instanceof QsSyntaxError) invalidExact(`failed to parse query [${p.query}]`, site.at);
    throw e;
  }
  if (q === null) return matchNone(p.boost);
  if (q.kind === 'bool' && p.msm !== null && q.should.length > 0) q = { ...q, minimumShouldMatch: p.msm };
  return withBoost(q, p.boost);
}
