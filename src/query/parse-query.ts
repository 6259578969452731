// Entry point for one query clause: `{"<type>": <body>}` dispatched to its parser. The public
// parseQuery also enforces the whole-query clause limit and freezes the result.
import type { Query } from './ast.js';
import { countClauses, deepFreeze } from './ast-util.js';
import { parseBoosting, parseBool, parseConstantScore, parseDisMax, parseNested } from './compound.js';
import { describe, eachParam, isObject, readBoost } from './json-read.js';
import { parseMatchLike } from './leaf-match.js';
import { parseRange } from './leaf-range.js';
import { parseExists, parseFuzzy, parseIds, parsePatternQuery, parseTerm, parseTerms } from './leaf-term.js';
import { parseMultiMatch } from './multi-match.js';
import type { ParseContext, Site, SubParser } from './parse-context.js';
import { invalid, invalidExact, MAX_CLAUSES, tooManyClauses } from './query-errors.js';
import { parseQueryString } from './query-string.js';
import { parseSimpleQueryString } from './simple-query-string.js';

export type { ParseContext } from './parse-context.js';
export { MAX_CLAUSES } from './query-errors.js';

/** Far beyond any real query; it keeps a hostile body from exhausting the stack (a 500). */
export const MAX_DEPTH = 100;

function parseMatchAll(kind: 'match_all' | 'match_none') {
  return (body: unknown, site: Site): Query => {
    const p: { boost?: number } = {};
    if (!isObject(body)) invalid(`[${kind}] query malformed, expected an object but found ${describe(body)}`, site.at);
    eachParam(body, kind, site.at, { boost: (v) => { p.boost = readBoost(v, kind, site.at); } });
    return { kind, boost: p.boost ?? 1 };
  };
}

type Parser = (body: unknown, site: Site, sub: SubParser) => Query;

const parsers: Readonly<Record<string, Parser>> = {
  match_all: parseMatchAll('match_all'),
  match_none: parseMatchAll('match_none'),
  bool: parseBool,
  nested: parseNested,
  constant_score: parseConstantScore,
  dis_max: parseDisMax,
  boosting: parseBoosting,
  term: parseTerm,
  terms: parseTerms,
  ids: parseIds,
  range: parseRange,
  exists: parseExists,
  prefix: (b, s) => parsePatternQuery('prefix', b, s),
  wildcard: (b, s) => parsePatternQuery('wildcard', b, s),
  regexp: (b, s) => parsePatternQuery('regexp', b, s),
  fuzzy: parseFuzzy,
  match: (b, s) => parseMatchLike('match', b, s),
  match_phrase: (b, s) => parseMatchLike('match_phrase', b, s),
  match_phrase_prefix: (b, s) => parseMatchLike('match_phrase_prefix', b, s),
  match_bool_prefix: (b, s) => parseMatchLike('match_bool_prefix', b, s),
  multi_match: parseMultiMatch,
  query_string: parseQueryString,
  simple_query_string: parseSimpleQueryString,
};

/** Elasticsearch query types Rollcall knows but does not run (scripts, geo, spans, joins, vectors...). */
const unsupported = new Set([
  'function_score', 'script', 'script_score', 'more_like_this', 'percolate', 'wrapper', 'pinned', 'rank_feature',
  'distance_feature', 'geo_bounding_box', 'geo_distance', 'geo_polygon', 'geo_shape', 'shape', 'has_child', 'has_parent',
  'parent_id', 'intervals', 'span_containing', 'span_field_masking', 'span_first', 'span_multi', 'span_near', 'span_not',
  'span_or', 'span_term', 'span_within', 'terms_set', 'combined_fields', 'knn', 'sparse_vector', 'text_expansion',
  'semantic', 'rule', 'common', 'type',
]);

/** Parses one clause object; `site.at` is the JSON path of that object (e.g. `query.bool.must[0]`). */
function parseClause(json: unknown, site: Site): Query {
  if (!isObject(json)) return invalid(`query malformed, must start with start_object, found ${describe(json)}`, site.at);
  const [type, second] = Object.keys(json);
  if (type === undefined) return invalid('query malformed, empty clause found', site.at);
  if (site.depth > MAX_DEPTH) invalidExact(`query is nested more than ${MAX_DEPTH} levels deep`, null);
  if (second !== undefined) invalid(`[${type}] malformed query, expected [END_OBJECT] but found [FIELD_NAME] [${second}]`, site.at);
  const clauseSite = { ...site, at: `${site.at}.${type}` };
  const parser = Object.hasOwn(parsers, type) ? parsers[type] : undefined;
  if (parser) return parser(json[type], clauseSite, parseClause);
  if (unsupported.has(type)) return invalid(`query [${type}] is not supported`, clauseSite.at);
  return invalid(`unknown query [${type}]`, clauseSite.at);
}

/**
 * Parses and validates a DSL query against the mapping. `at` is the JSON path of `json` (used in
 * error messages, e.g. `query`); `nested` is the enclosing nested path, null at document level.
 * The result is deeply frozen.
 */
export function parseQuery(json: unknown, ctx: ParseContext, at: string, nested: string | null): Query {
  const query = parseClause(json, { ctx, at, nested, depth: 0 });
  if (countClauses(query) > MAX_CLAUSES) tooManyClauses();
  return deepFreeze(query);
}
