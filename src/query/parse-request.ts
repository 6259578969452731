// A whole search request body: `query` and `sort`, with Elasticsearch's harmless presentation keys
// accepted and ignored (Rollcall returns ids, so they have no effect).
import type { Query, SearchRequest, SortKey } from './ast.js';
import { bool, countClauses, deepFreeze } from './ast-util.js';
import { isObject } from './json-read.js';
import type { ParseContext } from './parse-context.js';
import { parseQuery } from './parse-query.js';
import { BodyParseError, invalid, invalidExact, MAX_CLAUSES, tooManyClauses } from './query-errors.js';

export type { ParseContext } from './parse-context.js';

/** Keys that only shape the hits Elasticsearch would return; Rollcall returns ids, so they do nothing. */
const ignoredKeys = new Set([
  '_source', 'size', 'from', 'track_total_hits', 'highlight', 'timeout', 'explain', 'version', 'stored_fields',
  'track_scores', 'docvalue_fields', 'fields', 'seq_no_primary_term',
]);

/** Sort forms Coresignal documents, normalised: `"id"`, `["id"]`, `[{"id":"asc"}]`, `[{"id":{"order":"asc"}}]`... */
function sortKey(value: unknown): SortKey | null {
  const one = Array.isArray(value) ? (value.length === 1 ? value[0] : null) : value;
  if (typeof one === 'string') return one === 'id' ? 'id' : one === '_score' ? 'score' : null;
  if (!isObject(one)) return null;
  const entries = Object.entries(one);
  if (entries.length !== 1) return null;
  const [name, spec] = entries[0] as [string, unknown];
  const order = isObject(spec) && Object.keys(spec).length === 1 ? spec['order'] : spec;
  if (name === 'id' && order === 'asc') return 'id';
  if (name === '_score' && order === 'desc') return 'score';
  return null;
}

function parseSort(value: unknown): SortKey {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return 'default';
  const key = sortKey(value);
  if (key === null) invalid(`sort ${JSON.stringify(value)} is not supported; use ["id"] or ["_score"]`, 'sort');
  return key;
}

/**
 * Parses a search request body (search, preview, bulk `es_dsl_query`, subscription
 * `es_dsl_query`). Throws BodyParseError when the body is not an object and QueryValidationError
 * for anything else invalid. The result is deeply frozen.
 */
export function parseSearchRequest(body: unknown, ctx: ParseContext): SearchRequest {
  if (!isObject(body)) throw new BodyParseError();
  for (const key of Object.keys(body)) {
    if (key === 'aggs' || key === 'aggregations') invalidExact('aggregations are not supported', key);
    if (key === 'min_score') invalid('[min_score] is not supported', key);
    if (key !== 'query' && key !== 'sort' && key !== 'post_filter' && !ignoredKeys.has(key)) {
      invalid(`unknown key [${key}] in the search request`, key);
    }
  }
  const sort = parseSort(body['sort']);
  let query: Query = body['query'] === undefined ? { kind: 'match_all', boost: 1 } : parseQuery(body['query'], ctx, 'query', null);
  // Without aggregations a post_filter only filters hits, exactly like a bool filter.
  if (body['post_filter'] !== undefined) {
    query = bool({ must: [query], filter: [parseQuery(body['post_filter'], ctx, 'post_filter', null)] });
    if (countClauses(query) > MAX_CLAUSES) tooManyClauses();
  }
  return deepFreeze({ query, sort });
}
