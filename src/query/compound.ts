// Compound queries: bool, nested, constant_score, dis_max, boosting. Sub-queries are parsed through
// the `sub` callback with their own JSON path (and, under `nested`, the new nested scope).
import type { Query } from './ast.js';
import { bool } from './ast-util.js';
import { matchNone } from './fields.js';
import { eachParam, isObject, readBool, readBoost, readEnum, readMinimumShouldMatch, readNumber, readObject, readString } from './json-read.js';
import { invalid, invalidExact } from './query-errors.js';
import { child, type Site, type SubParser } from './parse-context.js';

/** A clause list written as one object or an array of objects. */
function clauseList(value: unknown, key: string, q: string, site: Site, sub: SubParser): Query[] {
  if (isObject(value)) return [sub(value, child(site, `${site.at}.${key}`))];
  if (!Array.isArray(value)) return invalid(`[${q}] query malformed, [${key}] must be an object or an array of objects`, site.at);
  return value.map((item, i) => sub(item, child(site, `${site.at}.${key}[${i}]`)));
}

export function parseBool(body: unknown, site: Site, sub: SubParser): Query {
  const obj = readObject(body, 'bool', site.at);
  const must: Query[] = [];
  const filter: Query[] = [];
  const should: Query[] = [];
  const mustNot: Query[] = [];
  const p: { msm?: string | number; boost?: number } = {};
  const into = (target: Query[], key: string) => (v: unknown): void => { target.push(...clauseList(v, key, 'bool', site, sub)); };
  eachParam(obj, 'bool', site.at, {
    must: into(must, 'must'),
    filter: into(filter, 'filter'),
    should: into(should, 'should'),
    must_not: into(mustNot, 'must_not'),
    mustNot: into(mustNot, 'mustNot'), // Elasticsearch's deprecated camelCase spelling
    minimum_should_match: (v) => { p.msm = readMinimumShouldMatch(v, 'bool', site.at); },
    adjust_pure_negative: (v) => { readBool(v, 'bool', 'adjust_pure_negative', site.at); },
    boost: (v) => { p.boost = readBoost(v, 'bool', site.at); },
  });
  return bool({ must, filter, should, mustNot, minimumShouldMatch: p.msm ?? null, boost: p.boost ?? 1 });
}

const scoreModes = ['avg', 'sum', 'max', 'min', 'none'] as const;

export function parseNested(body: unknown, site: Site, sub: SubParser): Query {
  const obj = readObject(body, 'nested', site.at);
  const p: { path?: string; query?: unknown; scoreMode: (typeof scoreModes)[number]; ignoreUnmapped: boolean; boost: number } = {
    scoreMode: 'avg', ignoreUnmapped: false, boost: 1,
  };
  eachParam(obj, 'nested', site.at, {
    path: (v) => { p.path = readString(v, 'nested', 'path', site.at); },
    query: (v) => { p.query = v; },
    score_mode: (v) => { p.scoreMode = readEnum(v, scoreModes, 'nested', 'score_mode', site.at); },
    ignore_unmapped: (v) => { p.ignoreUnmapped = readBool(v, 'nested', 'ignore_unmapped', site.at); },
    inner_hits: (v) => { readObject(v, 'nested', site.at); }, // Rollcall returns ids only; inner hits have no effect
    boost: (v) => { p.boost = readBoost(v, 'nested', site.at); },
  });
  if (p.path === undefined) return invalid("[nested] requires 'path' field", site.at);
  if (p.query === undefined) return invalid("[nested] requires 'query' field", site.at);
  const { mapping } = site.ctx;
  if (!mapping.nestedPaths.has(p.path)) {
    if (mapping.byPath.has(p.path)) invalid(`failed to create query: [nested] nested object under path [${p.path}] is not of nested type`, site.at);
    if (p.ignoreUnmapped) return matchNone(p.boost);
    invalidExact(`failed to create query: [nested] failed to find nested object under path [${p.path}]`, site.at);
  }
  if (site.nested !== null && !p.path.startsWith(`${site.nested}.`)) {
    invalid(`failed to create query: [nested] path [${p.path}] is not a child of the enclosing nested path [${site.nested}]`, site.at);
  }
  const query = sub(p.query, child(site, `${site.at}.query`, p.path));
  return { kind: 'nested', path: p.path, query, scoreMode: p.scoreMode, boost: p.boost };
}

export function parseConstantScore(body: unknown, site: Site, sub: SubParser): Query {
  const obj = readObject(body, 'constant_score', site.at);
  const p: { filter?: Query; boost?: number } = {};
  eachParam(obj, 'constant_score', site.at, {
    filter: (v) => { p.filter = sub(v, child(site, `${site.at}.filter`)); },
    boost: (v) => { p.boost = readBoost(v, 'constant_score', site.at); },
  });
  if (!p.filter) return invalid("[constant_score] requires a 'filter' element", site.at);
  return { kind: 'constant_score', filter: p.filter, boost: p.boost ?? 1 };
}

export function parseDisMax(body: unknown, site: Site, sub: SubParser): Query {
  const obj = readObject(body, 'dis_max', site.at);
  const p: { queries: Query[]; tieBreaker?: number; boost?: number } = { queries: [] };
  eachParam(obj, 'dis_max', site.at, {
    queries: (v) => { p.queries = clauseList(v, 'queries', 'dis_max', site, sub); },
    tie_breaker: (v) => { p.tieBreaker = readNumber(v, 'dis_max', 'tie_breaker', site.at); },
    boost: (v) => { p.boost = readBoost(v, 'dis_max', site.at); },
  });
  if (p.queries.length === 0) return invalid("[dis_max] requires 'queries' field with at least one clause", site.at);
  return { kind: 'dis_max', queries: p.queries, tieBreaker: p.tieBreaker ?? 0, boost: p.boost ?? 1 };
}

export function parseBoosting(body: unknown, site: Site, sub: SubParser): Query {
  const obj = readObject(body, 'boosting', site.at);
  const p: { positive?: Query; negative?: Query; negativeBoost?: number; boost?: number } = {};
  eachParam(obj, 'boosting', site.at, {
    positive: (v) => { p.positive = sub(v, child(site, `${site.at}.positive`)); },
    negative: (v) => { p.negative = sub(v, child(site, `${site.at}.negative`)); },
    negative_boost: (v) => { p.negativeBoost = readNumber(v, 'boosting', 'negative_boost', site.at); },
    boost: (v) => { p.boost = readBoost(v, 'boosting', site.at); },
  });
  if (!p.positive) return invalid("[boosting] query requires 'positive' query", site.at);
  if (!p.negative) return invalid("[boosting] query requires 'negative' query", site.at);
  if (p.negativeBoost === undefined || p.negativeBoost < 0) {
    return invalid("[boosting] query requires 'negative_boost' to be set to be a positive value", site.at);
  }
  return { kind: 'boosting', positive: p.positive, negative: p.negative, negativeBoost: p.negativeBoost, boost: p.boost ?? 1 };
}
