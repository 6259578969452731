// Odd and hostile search bodies: every one gets a 2xx/4xx answer with a JSON body, never a 500.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeHarness, people, type Harness } from './helpers/harness.js';

let h: Harness;
let key: string;
before(async () => {
  h = await makeHarness({ ROLLCALL_RATE_LIMIT_SEARCH: '0' });
  await h.importRecords('employee_clean', people(20, 2).clean);
  await h.importRecords('employee', people(20, 2).v1);
  key = (await h.key({ searchCredits: 100_000 })).api_key;
});
after(() => h.close());

const bodies: unknown[] = [
  null, true, 42, 'query', [], {}, { query: null }, { query: [] }, { query: 'match_all' }, { query: { match_all: null } },
  { query: { bool: null } }, { query: { bool: { must: 'x' } } }, { query: { bool: { must: [null] } } }, { query: { bool: { minimum_should_match: {} , should: [] } } },
  { query: { term: {} } }, { query: { term: { id: { value: [] } } } }, { query: { term: { id: 'abc' } } }, { query: { terms: { id: 'x' } } },
  { query: { range: { follower_count: { gte: 'lots' } } } }, { query: { range: { last_updated: { gte: 'yesterday-ish' } } } }, { query: { range: { last_updated: { gte: 'now-1y/d', time_zone: 'Mars/Olympus' } } } },
  { query: { match: { description: { query: null } } } }, { query: { match: { description: { query: 'x', fuzziness: 'lots' } } } }, { query: { match: { description: { query: 'x', operator: 'xor' } } } },
  { query: { match_phrase: { description: { query: 'a b', slop: -1 } } } }, { query: { wildcard: { 'full_name.exact': '' } } }, { query: { regexp: { 'full_name.exact': '[' } } }, { query: { regexp: { 'full_name.exact': '(a|' } } },
  { query: { fuzzy: { full_name: { value: 'x', fuzziness: 7 } } } }, { query: { nested: { path: 'experience' } } }, { query: { nested: { query: { match_all: {} } } } }, { query: { nested: { path: 'experience.title', query: { match_all: {} } } } },
  { query: { query_string: { query: '' } } }, { query: { query_string: { query: '"unterminated' } } }, { query: { query_string: { query: 'a:' } } }, { query: { query_string: { query: '[1 TO' } } }, { query: { query_string: { query: 'title:(' } } },
  { query: { query_string: { query: '*', default_field: 'description' } } }, { query: { query_string: { query: 'x^abc' } } }, { query: { query_string: { query: '/[/' } } }, { query: { simple_query_string: { query: '((((' } } },
  { query: { multi_match: { query: 'x' } } }, { query: { multi_match: { query: 'x', fields: [], type: 'nope' } } }, { query: { ids: { values: ['a', null, {}] } } }, { query: { exists: { field: '' } } },
  { query: { dis_max: { queries: {} } } }, { query: { boosting: { positive: { match_all: {} } } } }, { query: { constant_score: {} } }, { query: { match_all: { boost: 'high' } } },
  { sort: [{ id: 'sideways' }] }, { sort: 'last_updated' }, { sort: [{}] }, { query: { match_all: {} }, size: -1, from: 'x' }, { query: { match: { 'description\u0000': 'x' } } },
  { query: { match: { description: '\ud800' } } }, { query: { term: { 'full_name.exact': 'x'.repeat(5000) } } }, JSON.parse('{"query":{"match":{"description":"a"},"match_all":{}}}'),
  { query: Array.from({ length: 60 }).reduce<Record<string, unknown>>((q) => ({ bool: { must: [q] } }), { match_all: {} }) as Record<string, unknown> },
];

test('no search body makes a 500', async () => {
  const paths = ['/cdapi/v2/employee_clean/search/es_dsl', '/cdapi/v2/employee_clean/search/es_dsl/preview', '/cdapi/v1/professional_network/employee/search/es_dsl', '/cdapi/v1/professional_network/employee/search/filter'];
  for (const path of paths) {
    for (const body of bodies) {
      const res = await h.app.inject({ method: 'POST', url: path, headers: { apikey: key, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
      assert.ok([200, 400, 422].includes(res.statusCode), `${path} ${JSON.stringify(body).slice(0, 100)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      assert.doesNotThrow(() => JSON.parse(res.body));
    }
  }
});

test('odd query parameters and content types are 4xx', async () => {
  const url = '/cdapi/v2/employee_clean/search/es_dsl';
  const cases: [string, string | undefined, string, number][] = [
    [`${url}?items_per_page=abc`, 'application/json', '{"query":{"match_all":{}}}', 422],
    [`${url}?items_per_page=1.5`, 'application/json', '{"query":{"match_all":{}}}', 422],
    [`${url}?after=%22x%22`, 'application/json', '{"query":{"match_all":{}},"sort":["id"]}', 400],
    [url, 'text/plain', 'hello', 400],
    [url, 'application/json', '', 422],
    [url, 'application/json', '{"query": {"match_all": {}}', 422],
    [`${url}/preview?page=abc`, 'application/json', '{"query":{"match_all":{}}}', 422],
  ];
  for (const [path, type, payload, status] of cases) {
    const res = await h.app.inject({ method: 'POST', url: path, headers: { apikey: key, ...(type ? { 'content-type': type } : {}) }, payload });
    assert.equal(res.statusCode, status, `${path} ${type} ${payload} → ${res.body}`);
  }
});

test('Lucene regular expressions JavaScript cannot compile as written: stacked repetitions match as Lucene means them, a reversed range is a 400', async () => {
  const clean = people(20, 2).clean;
  const name = String(clean[3]!['full_name']);
  const search = async (query: unknown) => {
    const res = await h.app.inject({ method: 'POST', url: '/cdapi/v2/employee_clean/search/es_dsl', headers: { apikey: key, 'content-type': 'application/json' }, payload: JSON.stringify({ query }) });
    return { status: res.statusCode, body: JSON.parse(res.body) as unknown };
  };
  const everyone = clean.map((r) => r['id']).sort();
  // `.**` (any string, repeated) and `.{1}{1,}` both match every non-empty name.
  for (const pattern of ['.**', '.{1}{1,}', '(.+)+', '"' + name.slice(0, 3) + '"@']) {
    const res = await search({ regexp: { 'full_name.exact': pattern } });
    assert.equal(res.status, 200, `${pattern}: ${JSON.stringify(res.body)}`);
    const expected = pattern.startsWith('"') ? clean.filter((r) => String(r['full_name']).startsWith(name.slice(0, 3))).map((r) => r['id']).sort() : everyone;
    assert.deepEqual((res.body as number[]).sort(), expected, pattern);
  }
  for (const query of [{ regexp: { 'full_name.exact': '[z-a]' } }, { query_string: { query: 'full_name.exact:/[z-a]/' } }]) {
    const res = await search(query);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(JSON.stringify(res.body), /invalid regular expression \[\[z-a\]\]: Range out of order/);
  }
  for (const pattern of ['a{2}{3}', 'a**', '[\\q]x', '[]a]+']) {
    assert.equal((await search({ regexp: { 'full_name.exact': pattern } })).status, 200, pattern);
    assert.equal((await search({ query_string: { query: `full_name.exact:/${pattern.replace(/\//g, '\\/')}/` } })).status, 200, `query_string /${pattern}/`);
  }
});

test('a keyword value "" is a value: term "" finds exactly the records that hold it, not every record with the field', async () => {
  const base = people(20, 2).clean[0]!;
  const blank = { ...base, id: 100009999, shorthand_names: ['blank-iso-code-0001'], websites_professional_network: 'https://www.professional-network.example/in/blank-iso-code-0001', location_country_iso_2: '' };
  await h.importRecords('employee_clean', [blank]);
  const search = async (query: unknown): Promise<number[]> => {
    const res = await h.app.inject({ method: 'POST', url: '/cdapi/v2/employee_clean/search/es_dsl', headers: { apikey: key, 'content-type': 'application/json' }, payload: JSON.stringify({ query }) });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as number[];
  };
  assert.deepEqual(await search({ term: { location_country_iso_2: '' } }), [100009999]);
  assert.deepEqual(await search({ terms: { 'full_name.exact': ['', 'Nobody Here'] } }), []);
  const withIso = await search({ exists: { field: 'location_country_iso_2' } });
  assert.ok(withIso.includes(100009999) && withIso.length > 1, 'exists still counts the blank value, as Elasticsearch does for a keyword ""');
});

test('a regexp longer than 1,000 characters is refused as Elasticsearch refuses it (index.max_regex_length)', async () => {
  for (const query of [{ regexp: { 'full_name.exact': 'a'.repeat(1001) } }, { query_string: { query: `full_name.exact:/${'a'.repeat(1001)}/` } }]) {
    const res = await h.app.inject({ method: 'POST', url: '/cdapi/v2/employee_clean/search/es_dsl', headers: { apikey: key, 'content-type': 'application/json' }, payload: JSON.stringify({ query }) });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().error, /The length of regex \[1001\] used in the Regexp Query request has exceeded the allowed maximum of \[1000\]/);
  }
  const ok = await h.app.inject({ method: 'POST', url: '/cdapi/v2/employee_clean/search/es_dsl', headers: { apikey: key, 'content-type': 'application/json' }, payload: JSON.stringify({ query: { regexp: { 'full_name.exact': 'a'.repeat(1000) } } }) });
  assert.equal(ok.statusCode, 200, ok.body);
});
