// Search endpoints end to end through inject(): ids from the SQLite engine must equal the ids the
// reference evaluator (Elasticsearch semantics over the plain records) finds, for every query type.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { referenceSearch } from '../src/query/reference/reference-matcher.js';
import { makeHarness, people, type Harness } from './helpers/harness.js';

let h: Harness;
let apiKey: string;
const data = people(150, 21);

before(async () => {
  h = await makeHarness({ ROLLCALL_RATE_LIMIT_SEARCH: '0' });
  await h.importRecords('employee_clean', data.clean);
  await h.importRecords('employee', data.v1);
  apiKey = (await h.key({ searchCredits: 100_000 })).api_key;
});
after(() => h.close());

const post = (url: string, body: unknown, key = apiKey) =>
  h.app.inject({ method: 'POST', url, headers: { apikey: key, 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) });

function expected(dataset: 'employee' | 'employee_clean', body: unknown): number[] {
  const request = parseSearchRequest(body, { mapping: h.rt.datasets[dataset].mapping, now: h.clock.now() });
  return referenceSearch(request.query, dataset === 'employee' ? data.v1 : data.clean).sort((a, b) => a - b);
}

const first = data.clean[0]!;
const someTitle = String(first['job_title'] ?? 'Engineer');
const someCompany = String(((first['experience'] as Record<string, unknown>[])[0] ?? {})['company_name'] ?? 'x');

const cleanQueries: Record<string, unknown> = {
  match_all: { query: { match_all: {} } },
  match_none: { query: { match_none: {} } },
  match_or: { query: { match: { headline: 'senior engineer' } } },
  match_and: { query: { match: { headline: { query: 'senior engineer', operator: 'and' } } } },
  match_msm: { query: { match: { description: { query: 'python data cloud teams', minimum_should_match: '75%' } } } },
  match_fuzzy: { query: { match: { skills: { query: 'pythn', fuzziness: 'AUTO' } } } },
  match_keyword_field: { query: { match: { management_level: 'Senior' } } },
  match_phrase: { query: { match_phrase: { headline: someTitle } } },
  match_phrase_slop: { query: { match_phrase: { description: { query: 'teams data', slop: 3 } } } },
  match_phrase_prefix: { query: { match_phrase_prefix: { full_name: String(first['name_first']).slice(0, 3).toLowerCase() } } },
  match_bool_prefix: { query: { match_bool_prefix: { headline: 'senior eng' } } },
  term_exact: { query: { term: { 'job_title.exact': someTitle } } },
  term_text_case: { query: { term: { job_title: someTitle } } },
  term_null_value: { query: { term: { 'name_middle.exact': 'NULL' } } },
  term_number: { query: { term: { is_working: 1 } } },
  terms: { query: { terms: { location_country_iso_2: ['US', 'GB', 'DE'] } } },
  ids: { query: { ids: { values: [data.clean[3]!['id'], data.clean[7]!['id'], 1] } } },
  range_number: { query: { range: { follower_count: { gte: 200, lt: 900 } } } },
  range_date: { query: { range: { last_updated: { gte: '2025-01-01', lte: 'now' } } } },
  exists: { query: { exists: { field: 'name_middle' } } },
  prefix: { query: { prefix: { 'full_name.exact': String(first['name_first']).slice(0, 2) } } },
  wildcard: { query: { wildcard: { 'job_title.exact': { value: '*Engineer*' } } } },
  regexp: { query: { regexp: { 'location_country_iso_2': 'U[SK]' } } },
  // Patterns the index answers as prefixes, without expanding them from the dictionary.
  wildcard_trailing_star: { query: { wildcard: { 'full_name.exact': `${String(first['name_first']).slice(0, 2)}*` } } },
  wildcard_trailing_star_lowercase: { query: { wildcard: { skills: 'py*' } } },
  regexp_prefixes: { query: { regexp: { 'job_title.exact': `(${someTitle.split(' ')[0]}|Senior|Lead) .*` } } },
  regexp_prefix_text_field: { query: { regexp: { job_title: 'eng.*' } } },
  fuzzy: { query: { fuzzy: { skills: { value: 'pyton' } } } },
  bool_mix: {
    query: {
      bool: {
        must: [{ match: { description: 'data' } }],
        filter: [{ range: { connections_count: { gte: 100 } } }],
        should: [{ term: { is_decision_maker: 1 } }],
        must_not: [{ term: { location_country_iso_2: 'US' } }],
      },
    },
  },
  bool_and_one_table: {
    query: {
      bool: {
        must: [{ match: { headline: 'engineer' } }],
        filter: [{ wildcard: { 'job_title.exact': '*Engineer*' } }, { exists: { field: 'headline' } }, { range: { follower_count: { gte: 100 } } }],
        must_not: [{ term: { location_country_iso_2: 'US' } }, { match: { description: 'intern' } }],
      },
    },
  },
  bool_should_msm: { query: { bool: { should: [{ match: { skills: 'sql' } }, { match: { skills: 'python' } }, { match: { skills: 'excel' } }], minimum_should_match: 2 } } },
  nested_same_entry: {
    query: { nested: { path: 'experience', query: { bool: { must: [{ match: { 'experience.company_name': someCompany } }, { range: { 'experience.duration_months': { gte: 12 } } }] } } } },
  },
  nested_current_job: {
    query: { nested: { path: 'experience', query: { bool: { must: [{ exists: { field: 'experience.title' } }], must_not: [{ exists: { field: 'experience.date_to' } }] } } } },
  },
  nested_outside_scope: { query: { match: { 'experience.title': 'engineer' } } },
  query_string: { query: { query_string: { query: '(python OR java) AND NOT intern', default_field: 'description' } } },
  query_string_fields: { query: { query_string: { query: 'location_country:"United States" AND engineer*', default_field: 'headline' } } },
  simple_query_string: { query: { simple_query_string: { query: 'data +engineer -intern', fields: ['headline', 'description'] } } },
  multi_match: { query: { multi_match: { query: 'data engineer', fields: ['headline^2', 'job_title'] } } },
  constant_score: { query: { constant_score: { filter: { term: { is_working: 0 } } } } },
  dis_max: { query: { dis_max: { queries: [{ match: { headline: 'manager' } }, { match: { job_title: 'director' } }] } } },
  boosting: { query: { boosting: { positive: { match: { description: 'data' } }, negative: { match: { description: 'sales' } }, negative_boost: 0.5 } } },
};

for (const [name, body] of Object.entries(cleanQueries)) {
  test(`clean search: ${name} returns the ids Elasticsearch semantics give`, async () => {
    const res = await post('/cdapi/v2/employee_clean/search/es_dsl?items_per_page=1000', { ...(body as object), sort: ['id'] });
    assert.equal(res.statusCode, 200, res.body);
    const ids = res.json() as number[];
    assert.deepEqual(ids, expected('employee_clean', body));
    assert.equal(res.headers['x-total-results'], String(ids.length));
  });
}

test('the patterns answered as prefixes each match some records', () => {
  for (const name of ['wildcard_trailing_star', 'wildcard_trailing_star_lowercase', 'regexp_prefixes', 'regexp_prefix_text_field'] as const) {
    assert.ok(expected('employee_clean', cleanQueries[name]).length > 0, name);
  }
});

test('the query battery is not trivial: most queries match some but not all records', async () => {
  let partial = 0;
  for (const body of Object.values(cleanQueries)) {
    const n = expected('employee_clean', body).length;
    if (n > 0 && n < data.clean.length) partial++;
  }
  assert.ok(partial >= 25, `only ${partial} queries select a proper subset`);
});

test('v1 search: nested member_experience_collection and the match example from the docs', async () => {
  const company = String((data.v1[2]!['member_experience_collection'] as Record<string, unknown>[])[0]!['company_name']);
  for (const body of [
    { query: { match: { name: { query: String(data.v1[2]!['name']), operator: 'and' } } } },
    { query: { nested: { path: 'member_experience_collection', query: { match_phrase: { 'member_experience_collection.company_name': company } } } } },
  ]) {
    for (const path of ['/cdapi/v1/professional_network/employee/search/es_dsl', '/cdapi/v2/member/search/es_dsl?version=1']) {
      const res = await post(path, { ...body, sort: ['id'] });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), expected('employee', body));
      assert.ok((res.json() as number[]).includes(data.v1[2]!['id'] as number));
    }
  }
});

for (const sort of [undefined, ['id'], ['_score']]) {
  test(`paging with sort ${JSON.stringify(sort)} returns every id exactly once with the documented headers`, async () => {
    const body = { query: { bool: { should: [{ match: { description: 'data' } }, { match: { headline: 'engineer' } }] } }, ...(sort ? { sort } : {}) };
    const all = expected('employee_clean', body);
    assert.ok(all.length > 20, 'broad enough to need several pages');
    const seen: number[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const res = await post(`/cdapi/v2/employee_clean/search/es_dsl?items_per_page=9${after ? `&after=${encodeURIComponent(after)}` : ''}`, body);
      assert.equal(res.statusCode, 200, res.body);
      pages++;
      assert.equal(res.headers['x-total-results'], String(all.length));
      assert.equal(res.headers['x-total-pages'], String(Math.ceil(all.length / 9)));
      seen.push(...(res.json() as number[]));
      after = res.headers['x-next-page-after'] as string | undefined;
      if (!after) break;
      if (sort?.[0] === 'id') assert.match(after, /^\d+$/);
      else if (sort?.[0] === '_score') assert.match(after, /^[\d.e-]+,"\d{4}-\d{2}-\d{2}T00:00:00\.000Z",\d+$/);
      else assert.match(after, /^"\d{4}-\d{2}-\d{2}T00:00:00\.000Z",\d+$/);
    }
    assert.equal(pages, Math.ceil(all.length / 9));
    assert.equal(seen.length, all.length);
    assert.deepEqual([...seen].sort((a, b) => a - b), all);
    if (sort?.[0] === 'id') assert.deepEqual(seen, all);
  });
}

test('default order is last_updated descending then id descending', async () => {
  const res = await post('/cdapi/v2/employee_clean/search/es_dsl', { query: { match_all: {} } });
  const ids = res.json() as number[];
  const byId = new Map(data.clean.map((r) => [r['id'] as number, String(r['last_updated'])]));
  for (let i = 1; i < ids.length; i++) {
    const [a, b] = [byId.get(ids[i - 1]!)!, byId.get(ids[i]!)!];
    assert.ok(a > b || (a === b && ids[i - 1]! > ids[i]!), `${ids[i - 1]} before ${ids[i]}`);
  }
});

test('_score order puts better matches first', async () => {
  const res = await post('/cdapi/v2/employee_clean/search/es_dsl', { query: { match: { skills: 'python sql' } }, sort: ['_score'] });
  const ids = res.json() as number[];
  const skills = (id: number) => (data.clean.find((r) => r['id'] === id)!['skills'] as string[]).join(' ').toLowerCase();
  const both = (id: number) => /\bpython\b/.test(skills(id)) && /\bsql\b/.test(skills(id));
  const firstSingle = ids.findIndex((id) => !both(id));
  assert.ok(firstSingle > 0, 'some record has both terms');
  assert.ok(ids.slice(firstSingle).every((id) => !both(id)), 'records with both terms rank above records with one');
});

test('empty result: 200 [] with zero totals and no cursor', async () => {
  const res = await post('/cdapi/v2/employee_clean/search/es_dsl', { query: { term: { 'full_name.exact': 'Nobody At All' } } });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), []);
  assert.equal(res.headers['x-total-results'], '0');
  assert.equal(res.headers['x-total-pages'], '0');
  assert.equal(res.headers['x-next-page-after'], undefined);
});

test('preview: up to 20 objects with _score, ordered by score, paged', async () => {
  const body = { query: { bool: { should: [{ query_string: { query: 'data', default_field: 'description', default_operator: 'and' } }] } } };
  const res = await post('/cdapi/v2/employee_clean/search/es_dsl/preview', body);
  assert.equal(res.statusCode, 200, res.body);
  const items = res.json() as Record<string, unknown>[];
  assert.ok(items.length > 0 && items.length <= 20);
  for (const key of ['id', 'full_name', 'websites_professional_network', 'headline', 'location_full', 'connections_count', 'company_name', '_score']) assert.ok(key in items[0]!, key);
  const scores = items.map((i) => i['_score'] as number);
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
  const page2 = await post('/cdapi/v2/employee_clean/search/es_dsl/preview?page=2', body);
  assert.equal(page2.statusCode, 200);
  const ids1 = new Set(items.map((i) => i['id']));
  assert.ok((page2.json() as Record<string, unknown>[]).every((i) => !ids1.has(i['id'])));
  assert.deepEqual((await post('/cdapi/v2/employee_clean/search/es_dsl/preview?page=50', body)).json(), []);
  assert.equal((await post('/cdapi/v2/employee_clean/search/es_dsl/preview?page=0', body)).statusCode, 422);
});

test('`_score` order: a small first page is the head of the whole order (distinct and tied scores), then pages on by cursor', async () => {
  for (const query of [{ match: { description: 'data cloud python engineer team' } }, { constant_score: { filter: { range: { follower_count: { gte: 100 } } } } }]) {
    const body = { query, sort: ['_score'] };
    const whole = await post('/cdapi/v2/employee_clean/search/es_dsl?items_per_page=1000', body);
    assert.equal(whole.statusCode, 200, whole.body);
    const all = whole.json() as number[];
    assert.ok(all.length >= 10, `${all.length} hits`);
    assert.deepEqual([...all].sort((a, b) => a - b), expected('employee_clean', body));
    for (const size of [1, 3, 7]) {
      const pages: number[] = [];
      let after: string | undefined;
      do {
        const res = await post(`/cdapi/v2/employee_clean/search/es_dsl?items_per_page=${size}${after ? `&after=${encodeURIComponent(after)}` : ''}`, body);
        assert.equal(res.statusCode, 200, res.body);
        pages.push(...(res.json() as number[]));
        after = res.headers['x-next-page-after'] as string | undefined;
      } while (after !== undefined && pages.length < 3 * size);
      assert.deepEqual(pages, all.slice(0, pages.length), `${JSON.stringify(query)} by ${size}`);
    }
  }
});

test('one search credit per 200, none for errors, 402 when empty', async () => {
  const key = await h.key({ searchCredits: 2 });
  const ok = await post('/cdapi/v2/employee_clean/search/es_dsl', { query: { match_all: {} } }, key.api_key);
  assert.equal(ok.headers['x-credits-remaining'], '1');
  const bad = await post('/cdapi/v2/employee_clean/search/es_dsl', { query: { nope: {} } }, key.api_key);
  assert.equal(bad.statusCode, 400);
  assert.equal(await h.rt.store.credits.balance(key.key_id, 'search'), 1);
  assert.equal((await post('/cdapi/v2/employee_clean/search/es_dsl', { query: { match_all: {} } }, key.api_key)).statusCode, 200);
  const broke = await post('/cdapi/v2/employee_clean/search/es_dsl', { query: { match_all: {} } }, key.api_key);
  assert.equal(broke.statusCode, 402);
  assert.deepEqual(broke.json(), { detail: 'Insufficient credits' });
});

test('bad input: documented 400 bodies, FastAPI 422s, never a 500', async () => {
  const url = '/cdapi/v2/employee_clean/search/es_dsl';
  const cases: [unknown, number, RegExp][] = [
    [{ query: { match_all: {} }, aggs: { a: { terms: { field: 'id' } } } }, 400, /^Query validation failed: aggregations are not supported/],
    [{ query: { query: { match_all: {} } } }, 400, /unknown query \[query\]/],
    [{ query: { nested: { path: 'member_experience_collection', query: { match_all: {} } } } }, 400, /failed to find nested object under path \[member_experience_collection\]/],
    [{ query: { fuzzy: { full_name: 'a', headline: 'b' } } }, 400, /\[fuzzy\] query doesn't support multiple fields, found \[full_name\] and \[headline\]/],
    [{ query: { query_string: { query: '(python AND', default_field: 'description' } } }, 400, /failed to parse query \[\(python AND\]/],
    [{ query: { term: { salary: 5 } } }, 400, /salary/],
    [{ query: { match_all: {} }, sort: ['full_name'] }, 400, /sort/],
    [[1, 2, 3], 400, /^Failed to parse ES DSL query$/],
    [{ query: { match: { description: 'x'.repeat(15_100) } } }, 400, /15,?000/],
  ];
  for (const [body, status, message] of cases) {
    const res = await post(url, body);
    assert.equal(res.statusCode, status, JSON.stringify(body).slice(0, 80) + ' ' + res.body);
    assert.match(res.json().error, message);
  }
  const tooMany = { query: { bool: { should: Array.from({ length: 1100 }, (_, i) => ({ term: { id: i } })) } } };
  const many = await post(url, tooMany);
  assert.equal(many.statusCode, 400);
  const malformed = await post(url, '{"query": {,}');
  assert.equal(malformed.statusCode, 422);
  assert.equal(malformed.json().detail[0].type, 'value_error.jsondecode');
  assert.equal((await post(`${url}?items_per_page=0`, { query: { match_all: {} } })).statusCode, 422);
  assert.equal((await post(`${url}?items_per_page=1001`, { query: { match_all: {} } })).statusCode, 422);
  for (const cursor of ['abc', '"2025-01-01T00:00:00.000Z"', '1,2,3', '"x",']) {
    const res = await post(`${url}?after=${encodeURIComponent(cursor)}`, { query: { match_all: {} } });
    assert.equal(res.statusCode, 400, cursor);
    assert.match(res.json().error, /^Query validation failed: invalid \[after\] cursor/);
  }
});
