// The Multi-source Employee API end to end through the real app and store (both stores): the
// generator's records for the same people as Clean, collect by id, shorthand name and URL with
// `fields`, enrich by profile URL, ES DSL search paged through every page, semantic search,
// preview, a bulk data request through to its part files, and Coresignal's current prices.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { multiSourceFromClean } from '../src/generator/multi-source-shape.js';
import { validateRecord } from '../src/datasets/validate-record.js';
import { catalogueSynonyms, titleKey, type Synonym } from '../src/datasets/synonyms.js';
import { makeHarness, noDataRateLimits, people, type Harness } from './helpers/harness.js';
import { bulkClient } from './helpers/bulk-client.js';

type Rec = Record<string, unknown>;

let h: Harness;
let key: { key_id: string; api_key: string };
let c: ReturnType<typeof bulkClient>;
const clean = people(45, 13).clean;
const data = clean.map(multiSourceFromClean);
const base = '/cdapi/v2/employee_multi_source';

before(async () => {
  h = await makeHarness({ ROLLCALL_JOB_POLL_MS: '20', ...noDataRateLimits }, { workers: true });
  await h.importRecords('employee_multi_source', data);
  key = await h.key({ collectCredits: 1000, searchCredits: 1000 });
  c = bulkClient(h, key.api_key);
  h.workers!.start();
});
after(async () => {
  await h.close();
});

const balance = (pool: 'search' | 'collect'): Promise<number> => h.rt.store.credits.balance(key.key_id, pool);

test('the derived records fit the Multi-source mapping and keep the person of the Clean record', () => {
  for (let i = 0; i < data.length; i++) {
    const r = data[i]!;
    assert.deepEqual(validateRecord(h.rt.datasets.employee_multi_source.mapping, r), { ok: true, id: clean[i]!['id'] });
    assert.equal(r['full_name'], clean[i]!['full_name']);
    assert.equal(r['professional_network_url'], clean[i]!['websites_professional_network']);
    assert.match(String(r['updated_at']), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  }
});

test('collect by id, shorthand name and profile URL, with fields repeated or comma-separated, at 20 collect credits', async () => {
  const r = data[3]!;
  const before = await balance('collect');
  const byId = await c.get(`${base}/collect/${r['id']}`);
  assert.equal(byId.statusCode, 200, byId.body);
  assert.deepEqual(byId.json(), r);
  assert.equal(byId.headers['x-credits-remaining'], String(before - 20));
  const slug = (r['professional_network_shorthand_names'] as string[])[0]!;
  assert.equal((await c.get(`${base}/collect/${slug}`)).json()['id'], r['id']);
  assert.equal((await c.get(`${base}/collect/${encodeURIComponent(String(r['professional_network_url']))}`)).json()['id'], r['id']);
  const repeated = await c.get(`${base}/collect/${r['id']}?fields=id&fields=full_name`);
  assert.deepEqual(repeated.json(), { id: r['id'], full_name: r['full_name'] });
  const comma = await c.get(`${base}/collect/${r['id']}?fields=id,headline`);
  assert.deepEqual(comma.json(), { id: r['id'], headline: r['headline'] });
  const missing = await c.get(`${base}/collect/1`);
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(missing.json(), { detail: 'Employee not found' });
  assert.equal(await balance('collect'), before - 5 * 20, 'five 200s charged, the 404 free');
});

test('enrich finds a record by its profile URL in any common spelling; 422 without social_url, 404 for an unknown profile', async () => {
  const r = data[5]!;
  const url = String(r['professional_network_url']);
  const bare = url.replace(/^https?:\/\/(www\.)?/, '');
  for (const variant of [url, `${url}/`, bare, `http://${bare}?trk=x`]) {
    const res = await c.get(`${base}/enrich?social_url=${encodeURIComponent(variant)}`);
    assert.equal(res.statusCode, 200, variant);
    assert.equal(res.json()['id'], r['id'], variant);
  }
  const projected = await c.get(`${base}/enrich?social_url=${encodeURIComponent(url)}&fields=id`);
  assert.deepEqual(projected.json(), { id: r['id'] });
  const none = await c.get(`${base}/enrich`);
  assert.equal(none.statusCode, 422);
  assert.deepEqual(none.json(), { detail: [{ loc: ['query', 'social_url'], msg: 'field required', type: 'value_error.missing' }] });
  const unknown = await c.get(`${base}/enrich?social_url=${encodeURIComponent('https://www.professional-network.example/in/nobody-here')}`);
  assert.equal(unknown.statusCode, 404);
  assert.deepEqual(unknown.json(), { detail: 'Employee not found' });
});

test('search/es_dsl pages through every record newest first with updated_at cursors, free of credits', async () => {
  const before = await balance('search');
  const seen: number[] = [];
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const res = await c.post(`${base}/search/es_dsl?items_per_page=10${after ? `&after=${encodeURIComponent(after)}` : ''}`, { query: { match_all: {} } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['x-total-results'], String(data.length));
    assert.equal(res.headers['x-total-pages'], String(Math.ceil(data.length / 10)));
    seen.push(...(res.json() as number[]));
    pages++;
    after = res.headers['x-next-page-after'] as string | undefined;
    if (after === undefined) break;
    assert.match(after, /^"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z",\d+$/);
  }
  assert.equal(pages, 5);
  const expected = [...data].sort((a, b) => String(b['updated_at']).localeCompare(String(a['updated_at'])) || Number(b['id']) - Number(a['id'])).map((r) => r['id']);
  assert.deepEqual(seen, expected);
  assert.equal(await balance('search'), before, 'search is free');

  const query = { query: { nested: { path: 'experience', query: { match: { 'experience.position_title': 'engineer' } } } } };
  const plain = await c.post(`${base}/search/es_dsl`, query);
  const semantic = await c.post(`${base}/semantic_search/es_dsl`, query);
  assert.equal(semantic.statusCode, 200);
  assert.deepEqual(semantic.json(), plain.json(), 'a value that is no title of the table is searched as written');
  assert.equal(semantic.headers['x-semantic-synonyms'], '[]');
  const alias = await c.post(`${base}/search/es_dsl`, { query: { nested: { path: 'experience', query: { exists: { field: 'experience.company_professional_network_url' } } } } });
  assert.equal(alias.statusCode, 200, 'an alias field is searchable as the field it stands for');
  const unindexed = await c.post(`${base}/search/es_dsl`, { query: { term: { first_name_initial: 'A' } } });
  assert.equal(unindexed.statusCode, 400);
  assert.match(unindexed.json().error, /Cannot search on field \[first_name_initial\] since it is not indexed/);
});

test('preview: 20 objects of the documented fields with _score, at 20 search credits a page', async () => {
  const before = await balance('search');
  const res = await c.post(`${base}/search/es_dsl/preview`, { query: { match_all: {} } });
  assert.equal(res.statusCode, 200, res.body);
  const rows = res.json() as Rec[];
  assert.equal(rows.length, 20);
  assert.deepEqual(Object.keys(rows[0]!), [
    'id', 'full_name', 'professional_network_url', 'headline', 'location_full', 'location_country', 'connections_count', 'followers_count',
    'company_name', 'company_professional_network_url', 'company_website', 'company_industry', 'active_experience_title',
    'active_experience_department', 'active_experience_management_level', 'company_hq_full_address', 'company_hq_country', '_score',
  ]);
  const person = data.find((r) => r['id'] === rows[0]!['id'])!;
  const job = (person['experience'] as Rec[]).find((e) => e['active_experience'] === 1);
  assert.equal(rows[0]!['company_name'], job?.['company_name'] ?? null);
  assert.equal(res.headers['x-credits-remaining'], String(before - 20));
  assert.equal(await balance('search'), before - 20);
});

test('a bulk data request by ids delivers the records as collect has them, at 20 collect credits a record', async () => {
  const ids = [data[0]!['id'], data[7]!['id'], data[9]!['id']];
  const before = await balance('collect');
  const res = await c.post('/cdapi/v2/data_requests/employee_multi_source/ids', { ids });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json().request_id as string;
  const done = await c.wait(`/cdapi/v2/data_requests/${id}/files`);
  assert.equal(done.statusCode, 200, done.body);
  const records = await c.records(`/cdapi/v2/data_requests/${id}/files`, done.json().data_request_files as string[]);
  assert.deepEqual(records.map((r) => r['id']), ids);
  assert.deepEqual(records[1], data[7]);
  assert.equal(await balance('collect'), before - 3 * 20, 'each delivered record at the collect price');
  const dsl = await c.post('/cdapi/v2/data_requests/employee_multi_source/es_dsl', { es_dsl_query: { query: { term: { id: data[2]!['id'] } } } });
  assert.equal(dsl.statusCode, 201, dsl.body);
  const dslDone = await c.wait(`/cdapi/v2/data_requests/${dsl.json().request_id}/files`);
  const dslRecords = await c.records(`/cdapi/v2/data_requests/${dsl.json().request_id}/files`, dslDone.json().data_request_files as string[]);
  assert.deepEqual(dslRecords, [data[2]]);
});

test('semantic_search finds the people of a title and of its synonyms at the threshold, lists them in x-semantic-synonyms, and refuses a bad threshold', async () => {
  const table = catalogueSynonyms();
  // A title some people hold whose synonyms at 0.6 are other titles of the data set.
  const titles = new Set(data.flatMap((r) => (r['experience'] as Rec[]).map((e) => String(e['position_title']))));
  const title = [...titles].sort().find((t) => (table.get(titleKey(t)) ?? []).some((s) => s.confidence >= 0.6 && titles.has(s.title)));
  assert.ok(title, 'the generated people hold related titles');
  const phrase = (t: string) => ({ query: { nested: { path: 'experience', query: { match_phrase: { 'experience.position_title': t } } } } });
  const ids = async (path: string, body: unknown): Promise<number[]> => {
    const res = await c.post(path, body);
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as number[]).sort((a, b) => a - b);
  };
  for (const threshold of [0.6, 0.8, 1]) {
    const expected: readonly Synonym[] = (table.get(titleKey(title)) ?? []).filter((s) => s.confidence >= threshold);
    const res = await c.post(`${base}/semantic_search/es_dsl?threshold=${threshold}`, phrase(title));
    assert.equal(res.statusCode, 200, res.body);
    const listed = JSON.parse(String(res.headers['x-semantic-synonyms'])) as { field: string; title: string; synonym: string; confidence: number; boosted: boolean }[];
    assert.deepEqual(listed.map((l) => [l.synonym, l.confidence]), expected.map((s) => [s.title, s.confidence]));
    assert.ok(listed.every((l) => l.field === 'experience.position_title' && l.title === title && l.boosted));
    const union = new Set<number>();
    for (const t of [title, ...expected.map((s) => s.title)]) for (const id of await ids(`${base}/search/es_dsl`, phrase(t))) union.add(id);
    assert.deepEqual((res.json() as number[]).sort((a, b) => a - b), [...union].sort((a, b) => a - b), `threshold ${threshold}`);
    if (threshold === 0.6) assert.ok(union.size > (await ids(`${base}/search/es_dsl`, phrase(title))).length, 'the synonyms find more people than the title alone');
  }
  const byDefault = await c.post(`${base}/semantic_search/es_dsl`, phrase(title));
  assert.deepEqual(JSON.parse(String(byDefault.headers['x-semantic-synonyms'])).map((l: { confidence: number }) => l.confidence >= 0.8), (table.get(titleKey(title)) ?? []).filter((s) => s.confidence >= 0.8).map(() => true));
  for (const bad of ['2', '-0.1', 'high']) {
    const res = await c.post(`${base}/semantic_search/es_dsl?threshold=${bad}`, phrase(title));
    assert.equal(res.statusCode, 422, bad);
    assert.deepEqual(res.json().detail[0].loc, ['query', 'threshold']);
  }
});

test('search/filter: a field equals a value or any of a list, ranges, exclusions, one nested entry; its preview; bad values 422', async () => {
  const ids = async (body: unknown): Promise<number[]> => {
    const res = await c.post(`${base}/search/filter`, body);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['x-total-results'], String((res.json() as number[]).length));
    return (res.json() as number[]).sort((a, b) => a - b);
  };
  const where = (f: (r: Rec) => boolean): number[] => data.filter(f).map((r) => r['id'] as number).sort((a, b) => a - b);
  const countries = [...new Set(data.map((r) => r['location_country']))].filter((x): x is string => typeof x === 'string').sort();
  const [x, y] = countries;
  assert.ok(x && y, 'people live in several countries');
  assert.deepEqual(await ids({ location_country: x }), where((r) => r['location_country'] === x));
  assert.deepEqual(await ids({ location_country: [x, y] }), where((r) => r['location_country'] === x || r['location_country'] === y));
  assert.deepEqual(await ids({ connections_count_gte: 300, connections_count_lte: 900 }), where((r) => typeof r['connections_count'] === 'number' && r['connections_count'] >= 300 && r['connections_count'] <= 900));
  assert.deepEqual(await ids({ exclude_location_country: x, is_working: true }), where((r) => r['location_country'] !== x && r['is_working'] === 1));
  const row = (data[11]!['experience'] as Rec[]).find((e) => e['active_experience'] === 0) ?? (data[11]!['experience'] as Rec[])[0]!;
  const company = row['company_id'];
  const active = row['active_experience'];
  assert.deepEqual(
    await ids({ 'experience.company_id': company, 'experience.active_experience': active }),
    where((r) => (r['experience'] as Rec[]).some((e) => e['company_id'] === company && e['active_experience'] === active)),
    'both filters hold in the same experience entry',
  );
  const preview = await c.post(`${base}/search/filter/preview`, { location_country: [x, y] });
  assert.equal(preview.statusCode, 200, preview.body);
  const expected = where((r) => r['location_country'] === x || r['location_country'] === y);
  assert.equal(preview.headers['x-total-results'], String(expected.length));
  assert.ok((preview.json() as Rec[]).every((o) => expected.includes(o['id'] as number)));
  const wrong = await c.post(`${base}/search/filter`, { connections_count_gte: 'many', location_country: 7 });
  assert.equal(wrong.statusCode, 422);
  assert.deepEqual(wrong.json().detail.map((d: { loc: unknown[] }) => d.loc), [['body', 'connections_count_gte'], ['body', 'location_country']]);
  const none = await c.post(`${base}/search/filter`, { no_such_field: 'x', full_name_gte: 'a' });
  assert.equal(none.statusCode, 400);
  assert.deepEqual(none.json(), { detail: 'At least one filter is required' });
});
