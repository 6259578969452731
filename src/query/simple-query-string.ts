// The `simple_query_string` query: the forgiving syntax of simple-query-parser.ts over a set of
// fields. As in Elasticsearch, each word is a match per field combined as most_fields
// (bool.should), phrases are a dis_max of match_phrase, prefixes and fuzzy words a dis_max of the
// term-level queries; syntax mistakes are never errors.
import type { Query } from './ast.js';
import { withBoost } from './ast-util.js';
import { expandFields, matchNone } from './fields.js';
import { eachParam, readBool, readBoost, readEnum, readInt, readMinimumShouldMatch, readObject, readString, readText } from './json-read.js';
import { defaultFuzzy } from './leaf-builders.js';
import { checkAnalyzer } from './leaf-match.js';
import { invalid } from './query-errors.js';
import { readFieldList } from './query-string.js';
import { Flags, SimpleQueryParser, type SimpleBuilders } from './simple-query-parser.js';
import type { Site } from './parse-context.js';
import { analyzedPrefixQuery, fuzzyQuery, patternQuery, phraseQuery, textQuery, type TextSettings } from './text-queries.js';

/** `flags`: names joined by `|` (`OR|AND|PREFIX`), or Lucene's integer bit set. */
function readFlags(v: unknown, at: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  let flags = 0;
  for (const name of readString(v, 'simple_query_string', 'flags', at).split('|')) {
    const key = name.trim().toUpperCase();
    if (key === '') continue;
    if (!Object.hasOwn(Flags, key)) invalid(`Unknown simple_query_string flag [${name.trim()}]`, at);
    flags |= Flags[key as keyof typeof Flags];
  }
  return flags;
}

interface Params {
  query?: string;
  fields?: string[];
  and: boolean;
  analyzeWildcard: boolean;
  flags: number;
  prefixLength: number;
  maxExpansions: number;
  transpositions: boolean;
  lenient: boolean;
  msm: string | number | null;
  quoteFieldSuffix?: string;
  boost: number;
}

function readParams(body: unknown, site: Site): Params {
  const q = 'simple_query_string';
  const at = site.at;
  const p: Params = { and: false, analyzeWildcard: false, flags: Flags.ALL, prefixLength: 0, maxExpansions: 50, transpositions: true, lenient: false, msm: null, boost: 1 };
  eachParam(readObject(body, q, at), q, at, {
    query: (v) => { p.query = readText(v, q, 'query', at); },
    fields: (v) => { p.fields = readFieldList(v, q, at); },
    default_operator: (v) => { p.and = readEnum(v, ['or', 'and'], q, 'default_operator', at) === 'and'; },
    flags: (v) => { p.flags = readFlags(v, at); },
    fuzzy_prefix_length: (v) => { p.prefixLength = readInt(v, q, 'fuzzy_prefix_length', at); },
    fuzzy_max_expansions: (v) => { p.maxExpansions = readInt(v, q, 'fuzzy_max_expansions', at); },
    fuzzy_transpositions: (v) => { p.transpositions = readBool(v, q, 'fuzzy_transpositions', at); },
    lenient: (v) => { p.lenient = readBool(v, q, 'lenient', at); },
    minimum_should_match: (v) => { p.msm = readMinimumShouldMatch(v, q, at); },
    quote_field_suffix: (v) => { p.quoteFieldSuffix = readString(v, q, 'quote_field_suffix', at); },
    analyzer: (v) => checkAnalyzer(v, q, at),
    analyze_wildcard: (v) => { p.analyzeWildcard = readBool(v, q, 'analyze_wildcard', at); },
    auto_generate_synonyms_phrase_query: (v) => { readBool(v, q, 'auto_generate_synonyms_phrase_query', at); },
    boost: (v) => { p.boost = readBoost(v, q, at); },
  });
  return p;
}

export function parseSimpleQueryString(body: unknown, site: Site): Query {
  const p = readParams(body, site);
  if (p.query === undefined) return invalid('[simple_query_string] query text missing', site.at);
  const fields = expandFields(site, p.fields ?? ['*'], 'simple_query_string');
  const base: TextSettings = {
    site, combine: 'should', tieBreaker: 0, operator: 'or', lenient: p.lenient, quoteFieldSuffix: p.quoteFieldSuffix,
    fuzzy: { ...defaultFuzzy, prefixLength: p.prefixLength, maxExpansions: p.maxExpansions, transpositions: p.transpositions },
  };
  const disMax = (tieBreaker: number): TextSettings => ({ ...base, combine: 'dis_max', tieBreaker });
  const builders: SimpleBuilders = {
    term: (text) => textQuery(base, fields, text),
    phrase: (text, slop) => phraseQuery(disMax(0), fields, text, slop),
    prefix: (text) => (p.analyzeWildcard ? analyzedPrefixQuery(disMax(1), fields, text, p.and) : patternQuery('prefix', disMax(1), fields, text)),
    fuzzy: (text, edits) => fuzzyQuery(disMax(1), fields, text, edits),
  };
  let q = new SimpleQueryParser(builders, p.flags, p.and ? 'must' : 'should').parse(p.query);
  if (q === null) return matchNone(p.boost);
  if (q.kind === 'bool' && p.msm !== null && q.should.length > 0) q = { ...q, minimumShouldMatch: p.msm };
  return withBoost(q, p.boost);
}
