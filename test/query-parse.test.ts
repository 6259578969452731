// Tests for the Elasticsearch DSL → query AST parser (src/query/parse-request.ts, parse-query.ts).
// Queries are compared through renderQuery's compact notation (see src/query/render-query.ts):
// `+` must, `#` filter, `-` must_not, `field:match(text AND)`, `field="term"`, `^n` boost...
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadDatasets, type DatasetName } from '../src/datasets/datasets.js';
import type { Query } from '../src/query/ast.js';
import { parseQuery } from '../src/query/parse-query.js';
import { parseSearchRequest, type ParseContext } from '../src/query/parse-request.js';
import { BodyParseError, QueryValidationError } from '../src/query/query-errors.js';
import { renderQuery } from '../src/query/render-query.js';
import { packageRoot } from '../src/util/package-root.js';

const datasets = loadDatasets();
/** Wednesday 2024-05-15T13:45:30.123Z: every `now` in these tests. */
const NOW = Date.UTC(2024, 4, 15, 13, 45, 30, 123);
const ctx = (ds: DatasetName = 'employee_clean'): ParseContext => ({ mapping: datasets[ds].mapping, now: NOW });
const parse = (query: unknown, ds?: DatasetName): Query => parseSearchRequest({ query }, ctx(ds)).query;
const r = (query: unknown, ds?: DatasetName): string => renderQuery(parse(query, ds));

/** Asserts the body is rejected with exactly this message (the text after `Query validation failed: `). */
function rejects(body: unknown, message: string, ds?: DatasetName): void {
  assert.throws(() => parseSearchRequest(body, ctx(ds)), (e: unknown) => {
    assert.ok(e instanceof QueryValidationError, String(e));
    assert.equal(e.message, message);
    assert.equal(e.responseMessage, `Query validation failed: ${message}`);
    return true;
  });
}
const rejectsQuery = (query: unknown, message: string, ds?: DatasetName): void => rejects({ query }, message, ds);

interface SpecExample {
  file: string;
  endpoint: string;
  dataset: DatasetName | null;
  expect: 'ok' | 'error';
  message?: string;
  body: Record<string, unknown>;
}

// Copied from /work/shared/spec/examples (tests must not read /work/shared: CI may not have it).
const examples = JSON.parse(readFileSync(join(packageRoot(), 'test', 'fixtures', 'spec-examples.json'), 'utf8')) as SpecExample[];

/** Bulk and subscription bodies wrap the search body in `es_dsl_query`; the HTTP layer unwraps it. */
function searchBody(body: Record<string, unknown>): unknown {
  return body['es_dsl_query'] ?? body;
}

test('every spec example meant for the v1 or Clean endpoints parses, or fails with its documented message', () => {
  const checked = examples.filter((e) => e.dataset !== null);
  assert.equal(checked.length, 18);
  for (const e of checked) {
    const run = (): unknown => parseSearchRequest(searchBody(e.body), ctx(e.dataset as DatasetName));
    if (e.expect === 'ok') assert.doesNotThrow(run, e.file);
    else rejects(searchBody(e.body), e.message as string, e.dataset as DatasetName);
  }
});

test('spec examples left out of the parse assertions are the non-ES-DSL or foreign-API ones', () => {
  // filter_*: search-filter bodies for the v1 `search/filter` endpoints, not ES DSL.
  // base_*: Base Employee API bodies (full_name, is_parent are not in the v1 mapping; Base is not served).
  // multisource_*: Multi-source Employee API bodies (a dataset Rollcall does not serve).
  const skipped = examples.filter((e) => e.dataset === null).map((e) => e.file);
  assert.equal(skipped.length, 10);
  for (const file of skipped) assert.match(file, /^(filter|base|multisource)_/);
});

test('spec examples produce the expected trees', () => {
  const byFile = (prefix: string, ds: DatasetName = 'employee_clean'): string => {
    const e = examples.find((x) => x.file.startsWith(prefix) && x.dataset === ds) as SpecExample;
    const req = parseSearchRequest(searchBody(e.body), ctx(ds));
    return `${renderQuery(req.query)} sort=${req.sort}`;
  };
  assert.equal(byFile('clean_02'), '(description:match(Python AND) job_title:match(Python AND) nested experience['
    + '(experience.description:match(Python AND) experience.title:match(Python AND))]) sort=id');
  assert.equal(byFile('v1_01', 'employee'), 'name:match(John Smith AND) sort=default');
  assert.equal(byFile('tp_01', 'employee'), '(+nested member_experience_collection[(+member_experience_collection.company_name:'
    + '"Northwind Analytics" +member_experience_collection.deleted=0)]) sort=default');
  assert.equal(byFile('tp_02'), 'nested experience[(+experience.company_id=70000042 -exists(experience.date_to))] sort=default');
  assert.equal(byFile('tp_04'), '(#management_level in ["Director","C-Level"] #job_title.exact:wildcard(*Engineer*) '
    + '#exists(location_country) #is_working=1) sort=default');
});

test('the request: query defaults to match_all, harmless keys are ignored, sort forms', () => {
  const req = (body: unknown): string => {
    const p = parseSearchRequest(body, ctx());
    return `${renderQuery(p.query)} ${p.sort}`;
  };
  assert.equal(req({}), '* default');
  assert.equal(req({ size: 5, from: 10, _source: ['id'], track_total_hits: true, highlight: {}, timeout: '1s', explain: true,
    version: true, stored_fields: [] }), '* default');
  for (const sort of [['id'], 'id', [{ id: 'asc' }], [{ id: { order: 'asc' } }]]) assert.equal(req({ sort }), '* id');
  for (const sort of [['_score'], '_score', [{ _score: 'desc' }], [{ _score: { order: 'desc' } }]]) assert.equal(req({ sort }), '* score');
  assert.equal(req({ sort: [] }), '* default');
  rejects({ sort: [{ id: 'desc' }] }, 'sort [{"id":"desc"}] is not supported; use ["id"] or ["_score"] at [sort]');
  rejects({ sort: ['last_updated'] }, 'sort ["last_updated"] is not supported; use ["id"] or ["_score"] at [sort]');
  rejects({ sort: ['id', '_score'] }, 'sort ["id","_score"] is not supported; use ["id"] or ["_score"] at [sort]');
  assert.equal(req({ query: { term: { id: 1 } }, post_filter: { term: { is_working: 1 } } }), '(+id=1 #is_working=1) default');
});

test('request-level errors', () => {
  rejects({ query: { match_all: {} }, aggs: {} }, 'aggregations are not supported');
  rejects({ aggregations: {} }, 'aggregations are not supported');
  rejects({ suggest: {} }, 'unknown key [suggest] in the search request at [suggest]');
  rejects({ min_score: 1 }, '[min_score] is not supported at [min_score]');
  rejects({ query: { query: { match_all: {} } } }, 'unknown query [query] at [query.query]');
  rejectsQuery({ bogus_query: {} }, 'unknown query [bogus_query] at [query.bogus_query]');
  rejectsQuery({ function_score: {} }, 'query [function_score] is not supported at [query.function_score]');
  rejectsQuery({}, 'query malformed, empty clause found at [query]');
  rejectsQuery({ term: { id: 1 }, match_all: {} }, '[term] malformed query, expected [END_OBJECT] but found [FIELD_NAME] [match_all] at [query]');
  let deep: unknown = { match_all: {} };
  for (let i = 0; i < 150; i += 1) deep = { bool: { must: deep } };
  rejectsQuery(deep, 'query is nested more than 100 levels deep');
  for (const body of [[], 'x', 1, null, true]) {
    assert.throws(() => parseSearchRequest(body, ctx()), (e: unknown) => {
      assert.ok(e instanceof BodyParseError);
      assert.equal(e.prefixed, false);
      assert.equal(e.responseMessage, 'Failed to parse ES DSL query');
      return true;
    });
  }
});

test('bool: clauses as object or array, minimum_should_match, boost, paths in errors', () => {
  assert.equal(r({ bool: { must: { term: { id: 1 } }, filter: [{ term: { id: 2 } }], should: [{ term: { id: 3 } }],
    must_not: [{ term: { id: 4 } }], minimum_should_match: '75%', boost: 2 } }), '(+id=1 #id=2 id=3 -id=4)~75%^2');
  assert.equal(r({ bool: {} }), '()');
  rejectsQuery({ bool: { must: 'x' } }, '[bool] query malformed, [must] must be an object or an array of objects at [query.bool]');
  rejectsQuery({ bool: { should: [{ term: { id: 1 } }, { term: { id: 2 } }, { match: { nope: 'x' } }] } },
    'failed to create query: field [nope] is not defined in the mapping at [query.bool.should[2].match]');
  rejectsQuery({ bool: { must: [], bogus: 1 } }, '[bool] query does not support [bogus] at [query.bool]');
  rejectsQuery({ bool: { minimum_should_match: 'lots' } }, '[bool] [minimum_should_match] has an invalid value string [lots] at [query.bool]');
});

test('term, terms, ids, exists: short and long forms, values typed by the field', () => {
  assert.equal(r({ term: { management_level: 'Director' } }), 'management_level="Director"');
  assert.equal(r({ term: { management_level: { value: 'director', case_insensitive: true, boost: 3 } } }), 'management_level="director"i^3');
  assert.equal(r({ term: { follower_count: '42' } }), 'follower_count=42'); // numeric strings are coerced, as in ES
  assert.equal(r({ term: { 'job_title.exact': 12 } }), 'job_title.exact="12"');
  assert.equal(r({ term: { follower_count: 1.5 } }), 'NONE'); // ES: a decimal never equals an integer field
  assert.equal(r({ terms: { follower_count: [1, '2', 2.5], boost: 2 } }), 'follower_count in [1,2]^2');
  assert.equal(r({ terms: { management_level: [] } }), 'NONE');
  assert.equal(r({ ids: { values: [3, '4', 'x'] } }), 'ids[3,4]');
  assert.equal(r({ term: { _id: '7' } }), 'ids[7]');
  assert.equal(r({ exists: { field: 'job_title.exact' } }), 'exists(job_title.exact)');
  assert.equal(r({ exists: { field: 'experience' } }), 'exists(experience)'); // "has any experience entry"
  assert.equal(r({ exists: { field: 'location_c*' } }), '(exists(location_country) exists(location_country.exact) exists(location_city) '
    + 'exists(location_city.exact) exists(location_country_iso_2) exists(location_country_iso_3))');
  const term = parse({ term: { 'job_title.exact': 'x' } });
  assert.ok(term.kind === 'term' && term.field.def.type === 'keyword' && term.field.path === 'job_title.exact');
});

test('term-level errors name the clause', () => {
  rejectsQuery({ term: { a: 1, b: 2 } }, "[term] query doesn't support multiple fields, found [a] and [b] at [query.term]");
  rejectsQuery({ term: { follower_count: 'abc' } }, 'failed to create query: For input string: "abc" at [query.term]');
  rejectsQuery({ term: { is_working: 300 } }, 'failed to create query: Value [300] is out of range for a byte at [query.term]');
  rejectsQuery({ term: { id: [1] } }, '[term] query does not support array of values at [query.term]');
  rejectsQuery({ term: { id: { value: 1, bogus: 1 } } }, '[term] query does not support [bogus] at [query.term]');
  rejectsQuery({ term: { nope: 1 } }, 'failed to create query: field [nope] is not defined in the mapping at [query.term]');
  rejectsQuery({ term: { experience: 'x' } }, 'failed to create query: field [experience] is a [nested] container and cannot be '
    + 'queried with [term]; query one of its sub-fields at [query.term]');
  rejectsQuery({ terms: { id: Array.from({ length: 65_537 }, (_, i) => i) } }, '[terms] query exceeds max terms count of 65536 at [query.terms]');
  rejectsQuery({ terms: { id: [1], management_level: ['x'] } }, "[terms] query doesn't support multiple fields, found [id] and [management_level] at [query.terms]");
  rejectsQuery({ terms: { id: { index: 'x', id: '1', path: 'p' } } }, '[terms] query does not support terms lookup at [query.terms]');
  rejectsQuery({ prefix: { follower_count: '1' } }, 'failed to create query: Can only use prefix queries on keyword and text fields - '
    + 'not on [follower_count] which is of type [integer] at [query.prefix]');
  rejectsQuery({ regexp: { 'job_title.exact': 'a(b' } }, "failed to create query: invalid regular expression [a(b]: expected ')' at position 3 at [query.regexp]");
});

test('prefix, wildcard, regexp, fuzzy', () => {
  assert.equal(r({ prefix: { 'job_title.exact': 'Sen' } }), 'job_title.exact:prefix(Sen)');
  assert.equal(r({ prefix: { 'job_title.exact': { value: 'sen', case_insensitive: true } } }), 'job_title.exact:prefix(sen)i');
  assert.equal(r({ wildcard: { 'job_title.exact': { wildcard: '*Eng?neer*', boost: 2 } } }), 'job_title.exact:wildcard(*Eng?neer*)^2');
  assert.equal(r({ regexp: { 'job_title.exact': { value: 'Data.*', flags: 'ALL|INTERVAL' } } }), 'job_title.exact:/Data.*/');
  assert.equal(r({ fuzzy: { full_name: 'jon' } }), 'full_name:fuzzy(jon~AUTO)');
  const fuzzy = parse({ fuzzy: { full_name: { value: 'jon', fuzziness: 'AUTO:3,6', prefix_length: 1, max_expansions: 10, transpositions: false } } });
  assert.deepEqual(fuzzy.kind === 'fuzzy' && [fuzzy.fuzziness, fuzzy.prefixLength, fuzzy.maxExpansions, fuzzy.transpositions],
    [{ auto: true, low: 3, high: 6 }, 1, 10, false]);
  assert.equal(r({ fuzzy: { full_name: { value: 'jon', fuzziness: '1' } } }), 'full_name:fuzzy(jon~1)');
  rejects({ query: { fuzzy: { full_name: { value: 'jon' }, headline: { value: 'enginer' } } } },
    "[fuzzy] query doesn't support multiple fields, found [full_name] and [headline]");
  rejectsQuery({ fuzzy: { full_name: { value: 'x', fuzziness: 3 } } }, '[fuzzy] [fuzziness] must be 0, 1, 2, AUTO or AUTO:low,high, found [3] at [query.fuzzy]');
});

test('match family: short and long forms, options, non-text fields become terms', () => {
  assert.equal(r({ match: { full_name: 'John Smith' } }), 'full_name:match(John Smith)');
  assert.equal(r({ match: { full_name: { query: 'John Smith', operator: 'AND', minimum_should_match: 2, fuzziness: 'auto',
    zero_terms_query: 'all', analyzer: 'standard', lenient: true, auto_generate_synonyms_phrase_query: false } } }),
  'full_name:match(John Smith AND msm=2 ~AUTO)');
  assert.equal(r({ match: { management_level: 'C-Level' } }), 'management_level="C-Level"'); // keyword: not analyzed
  assert.equal(r({ match: { follower_count: '10' } }), 'follower_count=10');
  assert.equal(r({ match: { follower_count: { query: 'many', lenient: true } } }), 'NONE');
  assert.equal(r({ match_phrase: { headline: { query: 'data engineer', slop: 2 } } }), 'headline:"data engineer"~2');
  assert.equal(r({ match_phrase_prefix: { headline: { query: 'data eng', max_expansions: 5 } } }), 'headline:"data eng*"');
  assert.equal(r({ match_phrase_prefix: { 'headline.exact': 'Data E' } }), 'headline.exact:prefix(Data E)');
  assert.equal(r({ match_bool_prefix: { headline: { query: 'data eng', operator: 'and' } } }), 'headline:bool_prefix(data eng AND)');
  rejectsQuery({ match: { full_name: { query: 'x', bogus: 1 } } }, '[match] query does not support [bogus] at [query.match]');
  rejectsQuery({ match: { full_name: { query: 'x', analyzer: 'english' } } },
    '[match] analyzer [english] not found; Rollcall only supports [standard] at [query.match]');
  rejectsQuery({ match: { full_name: { operator: 'and' } } }, '[match] requires query value at [query.match]');
  rejectsQuery({ match: { full_name: { query: 'x', operator: 'xor' } } }, '[match] [operator] must be one of [or, and], found string [xor] at [query.match]');
  rejectsQuery({ match_phrase: { headline: { query: 'x', operator: 'and' } } }, '[match_phrase] query does not support [operator] at [query.match_phrase]');
});

test('multi_match types, field boosts and patterns', () => {
  const mm = (extra: Record<string, unknown>): string => r({ multi_match: { query: 'data engineer', fields: ['headline^2', 'job_title'], ...extra } });
  assert.equal(mm({}), 'dismax(headline:match(data engineer)^2 | job_title:match(data engineer))');
  assert.equal(mm({ tie_breaker: 0.3, operator: 'and', boost: 3 }), 'dismax(headline:match(data engineer AND)^2 | job_title:match(data engineer AND))~0.3^3');
  assert.equal(mm({ type: 'most_fields' }), '(headline:match(data engineer)^2 job_title:match(data engineer))');
  assert.equal(mm({ type: 'phrase', slop: 1 }), 'dismax(headline:"data engineer"~1^2 | job_title:"data engineer"~1)');
  assert.equal(mm({ type: 'phrase_prefix' }), 'dismax(headline:"data engineer*"^2 | job_title:"data engineer*")');
  assert.equal(mm({ type: 'bool_prefix' }), '(headline:bool_prefix(data engineer)^2 job_title:bool_prefix(data engineer))');
  // cross_fields approximation: one dis_max per word, words joined by the operator.
  assert.equal(mm({ type: 'cross_fields', operator: 'and' }),
    '(+dismax(headline:match(data)^2 | job_title:match(data)) +dismax(headline:match(engineer)^2 | job_title:match(engineer)))');
  assert.equal(r({ multi_match: { query: 'x', fields: 'name_*' } }), 'dismax(name_first:match(x) | name_first.exact="x" | name_middle:match(x) '
    + '| name_middle.exact="x" | name_last:match(x) | name_last.exact="x")');
  assert.equal(r({ multi_match: { query: 'x', fields: ['nothing_like_this*'] } }), 'NONE');
  assert.match(r({ multi_match: { query: 'x' } }), /^dismax\(full_name:match\(x\) \| name_first:match\(x\)/); // default `*`
  rejectsQuery({ multi_match: { query: 'x', type: 'fancy' } }, '[multi_match] [type] must be one of [best_fields, most_fields, '
    + 'cross_fields, phrase, phrase_prefix, bool_prefix], found string [fancy] at [query.multi_match]');
});

test('nested: scope rules, nested in nested, unknown paths', () => {
  assert.equal(r({ match: { 'experience.title': 'x' } }), 'NONE'); // a nested field outside `nested` matches nothing
  assert.equal(r({ nested: { path: 'experience', query: { match: { full_name: 'x' } } } }), 'nested experience[NONE]');
  assert.equal(r({ nested: { path: 'patents', score_mode: 'max', query: { nested: { path: 'patents.inventors',
    query: { match: { 'patents.inventors.full_name': 'x' } } } } } }), 'nested patents[nested patents.inventors[patents.inventors.full_name:match(x)]]max');
  assert.equal(r({ nested: { path: 'patents.inventors', query: { match: { 'patents.inventors.full_name': 'x' } } } }),
    'nested patents.inventors[patents.inventors.full_name:match(x)]');
  assert.equal(r({ nested: { path: 'patents', query: { match: { 'patents.inventors.full_name': 'x' } } } }), 'nested patents[NONE]');
  assert.equal(r({ nested: { path: 'nope', ignore_unmapped: true, query: { match_all: {} } } }), 'NONE');
  rejectsQuery({ nested: { path: 'member_experience_collection', query: { match: { 'member_experience_collection.title': 'x' } } } },
    'failed to create query: [nested] failed to find nested object under path [member_experience_collection]');
  rejectsQuery({ nested: { path: 'experience.title', query: { match_all: {} } } },
    'failed to create query: [nested] nested object under path [experience.title] is not of nested type at [query.nested]');
  rejectsQuery({ nested: { path: 'education', query: { nested: { path: 'experience', query: { match_all: {} } } } } },
    'failed to create query: [nested] path [experience] is not a child of the enclosing nested path [education] at [query.nested.query.nested]');
  rejectsQuery({ nested: { query: { match_all: {} } } }, "[nested] requires 'path' field at [query.nested]");
  const v1 = r({ nested: { path: 'member_skills_collection', query: { exists: { field: 'member_skills_collection.member_skill_list' } } } }, 'employee');
  assert.equal(v1, 'nested member_skills_collection[exists(member_skills_collection.member_skill_list)]');
  // parseQuery can start inside a nested scope (e.g. for a filter translator).
  assert.equal(renderQuery(parseQuery({ match: { 'experience.title': 'x' } }, ctx(), 'q', 'experience')), 'experience.title:match(x)');
});

test('constant_score, dis_max, boosting, match_none', () => {
  assert.equal(r({ constant_score: { filter: { term: { id: 1 } }, boost: 2 } }), 'constant(id=1)^2');
  assert.equal(r({ dis_max: { queries: [{ term: { id: 1 } }, { term: { id: 2 } }], tie_breaker: 0.5 } }), 'dismax(id=1 | id=2)~0.5');
  assert.equal(r({ boosting: { positive: { match_all: {} }, negative: { term: { id: 2 } }, negative_boost: 0.2 } }), 'boosting(*, id=2, 0.2)');
  assert.equal(r({ match_none: { boost: 2 } }), 'NONE^2');
  rejectsQuery({ constant_score: {} }, "[constant_score] requires a 'filter' element at [query.constant_score]");
  rejectsQuery({ dis_max: { queries: [] } }, "[dis_max] requires 'queries' field with at least one clause at [query.dis_max]");
  rejectsQuery({ boosting: { positive: { match_all: {} }, negative: { match_all: {} } } },
    "[boosting] query requires 'negative_boost' to be set to be a positive value at [query.boosting]");
  rejectsQuery({ match_all: { boost: -1 } }, '[match_all] negative [boost] are not allowed at [query.match_all]');
});

test('range: numbers, keywords, legacy from/to, no bounds', () => {
  assert.equal(r({ range: { follower_count: { gte: 10, lt: '20' } } }), 'follower_count:{gte 10, lt 20}');
  assert.equal(r({ range: { follower_count: { from: 1, to: 5, include_lower: false, include_upper: true } } }), 'follower_count:{gt 1, lte 5}');
  assert.equal(r({ range: { follower_count: { from: 1, to: null } } }), 'follower_count:{gte 1}');
  assert.equal(r({ range: { 'experience.date_from': { gte: '2020-01' } } }), 'NONE'); // nested field, no nested query
  assert.equal(r({ nested: { path: 'experience', query: { range: { 'experience.date_from': { gte: '2020-01' } } } } }),
    'nested experience[experience.date_from:{gte "2020-01"}]');
  assert.equal(r({ range: { follower_count: {} } }), 'exists(follower_count)');
  rejectsQuery({ range: { follower_count: { gte: 'ten' } } }, 'failed to create query: For input string: "ten" at [query.range]');
  rejectsQuery({ range: { follower_count: { gte: 1, time_zone: '+01:00' } } }, '[range] time_zone can not be applied to non date field [follower_count] at [query.range]');
  rejectsQuery({ range: { last_updated: { gte: 'now', time_zone: 'Mars/Olympus' } } }, 'failed to create query: Unknown time-zone ID: Mars/Olympus at [query.range]');
  rejectsQuery({ range: { follower_count: { above: 1 } } }, '[range] query does not support [above] at [query.range]');
});

test('range on dates: date math and Elasticsearch rounding with a fixed now', () => {
  const range = (spec: Record<string, unknown>, field = 'last_updated', ds: DatasetName = 'employee_clean'): Record<string, unknown> => {
    const q = parse({ range: { [field]: spec } }, ds);
    assert.equal(q.kind, 'range');
    const { gt, gte, lt, lte } = q as unknown as Record<string, unknown>;
    return Object.fromEntries(Object.entries({ gt, gte, lt, lte }).filter(([, v]) => v !== undefined));
  };
  const day = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d);
  // gte and lt round down, gt and lte round up (to the last millisecond of the unit).
  assert.deepEqual(range({ gte: 'now/d', lte: 'now/d' }), { gte: day(2024, 5, 15), lte: day(2024, 5, 16) - 1 });
  assert.deepEqual(range({ gt: 'now/d', lt: 'now/d' }), { gt: day(2024, 5, 16) - 1, lt: day(2024, 5, 15) });
  assert.deepEqual(range({ gte: 'now-1y/d' }), { gte: day(2023, 5, 15) });
  assert.deepEqual(range({ gte: 'now/M', lte: 'now/y' }), { gte: day(2024, 5, 1), lte: day(2025, 1, 1) - 1 });
  assert.deepEqual(range({ gte: 'now/w' }), { gte: day(2024, 5, 13) }); // weeks start on Monday
  assert.deepEqual(range({ gte: 'now-2h', lt: 'now+90m' }), { gte: NOW - 7_200_000, lt: NOW + 5_400_000 });
  assert.deepEqual(range({ gte: '2020-01-31||+1M/d' }), { gte: day(2020, 2, 29) }); // month arithmetic clamps the day
  assert.deepEqual(range({ lt: '2020-01-01||+1M/d' }), { lt: day(2020, 2, 1) });
  // A date without a time of day: lte/gt complete it with 23:59:59.999 (Elasticsearch's documented behaviour).
  assert.deepEqual(range({ gte: '2020-01-01', lte: '2020-01-01' }), { gte: day(2020, 1, 1), lte: day(2020, 1, 2) - 1 });
  assert.deepEqual(range({ gte: '2020-01-01T10:00:00Z', lt: '2020-01-01T10:00:00+02:00' }),
    { gte: Date.UTC(2020, 0, 1, 10), lt: Date.UTC(2020, 0, 1, 8) });
  assert.deepEqual(range({ gte: 1577836800000 }), { gte: day(2020, 1, 1) }); // epoch_millis
  // The query's own format, and time_zone.
  assert.deepEqual(range({ gte: '2020', lt: '2021', format: 'yyyy' }), { gte: day(2020, 1, 1), lt: day(2021, 1, 1) });
  assert.deepEqual(range({ gte: '31/12/2020', format: 'dd/MM/yyyy' }), { gte: day(2020, 12, 31) });
  assert.deepEqual(range({ gte: '2020-01-01', time_zone: '+01:00' }), { gte: day(2020, 1, 1) - 3_600_000 });
  assert.deepEqual(range({ gte: '2020-07-01', time_zone: 'Europe/Paris' }), { gte: day(2020, 7, 1) - 7_200_000 });
  assert.deepEqual(range({ gte: 'now/d', time_zone: '-05:00' }), { gte: day(2024, 5, 15) + 5 * 3_600_000 });
  // v1 dates are mapped with format `yyyy-MM-dd HH:mm:ss`: bounds must use it.
  assert.deepEqual(range({ gte: '2024-01-01 00:00:00', lte: '2024-01-31 23:59:59' }, 'last_updated', 'employee'),
    { gte: day(2024, 1, 1), lte: day(2024, 2, 1) - 1 });
  rejectsQuery({ range: { last_updated: { gte: '2024-01-01' } } },
    'failed to create query: failed to parse date field [2024-01-01] with format [yyyy-MM-dd HH:mm:ss] at [query.range]', 'employee');
  rejectsQuery({ range: { last_updated: { gte: 'now-1x' } } }, 'failed to create query: unit [x] not supported for date math [-1x] at [query.range]');
  rejectsQuery({ range: { last_updated: { gte: '2020-13-01' } } }, 'failed to create query: failed to parse date field [2020-13-01] '
    + 'with format [strict_date_optional_time||epoch_millis] at [query.range]');
  // A term on a date is the range the date covers.
  assert.equal(r({ term: { last_updated: '2020-01-01||/M' } }), `last_updated:{gte ${day(2020, 1, 1)}, lte ${day(2020, 2, 1) - 1}}`);
  assert.equal(r({ term: { last_updated: '2020-01-01T00:00:00.000Z' } }), `last_updated=${day(2020, 1, 1)}`);
});

test('max clause count: every leaf and every terms value counts', () => {
  const terms = (n: number): unknown => ({ bool: { should: Array.from({ length: n }, (_, i) => ({ term: { id: i } })) } });
  assert.doesNotThrow(() => parse(terms(1024)));
  rejects({ query: terms(1025) }, 'too many clauses: maxClauseCount is set to 1024');
  assert.doesNotThrow(() => parse({ terms: { id: Array.from({ length: 1024 }, (_, i) => i) } }));
  rejects({ query: { bool: { must: [{ terms: { id: Array.from({ length: 1024 }, (_, i) => i) } }, { term: { id: 1 } }] } } },
    'too many clauses: maxClauseCount is set to 1024');
});

test('the result is deeply frozen', () => {
  const q = parse({ bool: { must: [{ nested: { path: 'experience', query: { terms: { 'experience.company_id': [1, 2] } } } }] } });
  const seen: unknown[] = [];
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null) return;
    assert.ok(Object.isFrozen(v), JSON.stringify(v));
    seen.push(v);
    for (const x of Object.values(v)) walk(x);
  };
  walk(q);
  assert.ok(seen.length > 5);
  assert.throws(() => { (q as { boost: number }).boost = 5; }, TypeError);
});
