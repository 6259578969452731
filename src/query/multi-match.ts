// multi_match: the same text against several fields, rewritten into the AST the way Elasticsearch
// rewrites it (best_fields → dis_max of match, most_fields → bool.should of match, phrase →
// dis_max of match_phrase, phrase_prefix → dis_max of match_phrase_prefix, bool_prefix →
// bool.should of match_bool_prefix).
//
// cross_fields is an approximation: Elasticsearch analyzes the text once and scores each term as
// if all fields were one big field (blended term frequencies). Here the text is split into words
// and each word becomes a dis_max of per-field matches; the words are then combined with `must`
// (operator and) or `should` with the query's minimum_should_match (operator or). Which documents
// match is the same for text fields; scores differ.
import type { Query } from './ast.js';
import { analyze } from './analyzer.js';
import { bool, combineFields } from './ast-util.js';
import { expandFields, type WeightedField } from './fields.js';
import { eachParam, readEnum, readNumber, readObject, readText } from './json-read.js';
import { matchParamHandlers } from './leaf-match.js';
import { buildMatch, defaultMatchOptions, type MatchKind, type MatchOptions } from './match-builders.js';
import { invalid } from './query-errors.js';
import type { Site } from './parse-context.js';

const types = ['best_fields', 'most_fields', 'cross_fields', 'phrase', 'phrase_prefix', 'bool_prefix'] as const;
type MultiMatchType = (typeof types)[number];

const kindOf: Readonly<Record<MultiMatchType, MatchKind>> = {
  best_fields: 'match', most_fields: 'match', cross_fields: 'match', phrase: 'match_phrase',
  phrase_prefix: 'match_phrase_prefix', bool_prefix: 'match_bool_prefix',
};

function perField(site: Site, kind: MatchKind, fields: readonly WeightedField[], text: string, o: MatchOptions): Query[] {
  return fields.map((wf) => buildMatch(kind, site, wf.field, text, { ...o, boost: wf.boost, lenient: o.lenient || wf.fromPattern }));
}

function crossFields(site: Site, fields: readonly WeightedField[], text: string, o: MatchOptions, tieBreaker: number): Query {
  const perWord = analyze(text).map((w) =>
    combineFields(perField(site, 'match', fields, w, { ...o, operator: 'or', minimumShouldMatch: null }), 'dis_max', tieBreaker, 1));
  if (perWord.length === 0) return o.zeroTermsQuery === 'all' ? { kind: 'match_all', boost: o.boost } : { kind: 'match_none', boost: o.boost };
  if (perWord.length === 1) return combineFields(perWord, 'dis_max', tieBreaker, o.boost);
  return o.operator === 'and' ? bool({ must: perWord, boost: o.boost })
    : bool({ should: perWord, minimumShouldMatch: o.minimumShouldMatch, boost: o.boost });
}

export function parseMultiMatch(body: unknown, site: Site): Query {
  const obj = readObject(body, 'multi_match', site.at);
  const o: { -readonly [K in keyof MatchOptions]: MatchOptions[K] } = { ...defaultMatchOptions };
  const p: { text?: string; fields?: string[]; type: MultiMatchType; tieBreaker?: number } = { type: 'best_fields' };
  eachParam(obj, 'multi_match', site.at, {
    ...matchParamHandlers('multi_match', o, site.at),
    query: (v) => { p.text = readText(v, 'multi_match', 'query', site.at); },
    fields: (v) => {
      const list = typeof v === 'string' ? [v] : v;
      if (!Array.isArray(list) || !list.every((f) => typeof f === 'string')) invalid('[multi_match] [fields] must be an array of field names', site.at);
      p.fields = list;
    },
    type: (v) => { p.type = readEnum(v, types, 'multi_match', 'type', site.at); },
    tie_breaker: (v) => { p.tieBreaker = readNumber(v, 'multi_match', 'tie_breaker', site.at); },
  });
  if (p.text === undefined) return invalid('No text specified for multi_match query', site.at);
  const fields = expandFields(site, p.fields ?? ['*'], 'multi_match');
  const tieBreaker = p.tieBreaker ?? 0;
  if (p.type === 'cross_fields') return crossFields(site, fields, p.text, o, tieBreaker);
  const queries = perField(site, kindOf[p.type], fields, p.text, { ...o, boost: 1 });
  const mode = p.type === 'most_fields' || p.type === 'bool_prefix' ? 'should' : 'dis_max';
  return combineFields(queries, mode, tieBreaker, o.boost);
}
