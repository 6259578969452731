// The Base Employee API through the real app and store (both stores): records derived for the
// same people as v1 and Clean, collect by id, shorthand name and URL (and the v1 alias path),
// search filters with their preview, map/ids, the five bulk request kinds, subscriptions by
// filter, and the bad inputs of each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { baseFromPerson } from '../src/generator/base-shape.js';
import { validateRecord } from '../src/datasets/validate-record.js';
import { generatePeople } from '../src/generator/people-generator.js';
import { makeHarness, noDataRateLimits, type Harness } from './helpers/harness.js';
import { bulkClient } from './helpers/bulk-client.js';

type Rec = Record<string, unknown>;

let h: Harness;
let key: { key_id: string; api_key: string };
let c: ReturnType<typeof bulkClient>;
const pairs = [...generatePeople({ people: 45, seed: 21, snapshot: 0 })];
const data = pairs.map((p) => baseFromPerson(p.v1, p.clean));
const base = '/cdapi/v2/employee_base';

before(async () => {
  h = await makeHarness({ ROLLCALL_JOB_POLL_MS: '20', ROLLCALL_WEBHOOK_ALLOW_PRIVATE: 'true', ...noDataRateLimits }, { workers: true });
  await h.importRecords('employee_base', data);
  key = await h.key({ collectCredits: 1000, searchCredits: 1000 });
  c = bulkClient(h, key.api_key);
  h.workers!.start();
});
after(async () => {
  await h.close();
});

const balance = (pool: 'search' | 'collect'): Promise<number> => h.rt.store.credits.balance(key.key_id, pool);
const current = (r: Rec): Rec | undefined => (r['experience'] as Rec[]).find((e) => e['is_current'] === 1 && e['deleted'] === 0);

test('the derived records fit the Base mapping and keep the person of the v1 and Clean records', () => {
  for (let i = 0; i < data.length; i++) {
    const r = data[i]!;
    const { v1, clean } = pairs[i]!;
    assert.deepEqual(validateRecord(h.rt.datasets.employee_base.mapping, r), { ok: true, id: v1['id'] });
    assert.equal(r['full_name'], v1['name']);
    assert.equal(r['headline'], v1['title']);
    assert.equal(r['follower_count'], clean['follower_count']);
    assert.match(String(r['updated_at']), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    for (const e of r['experience'] as Rec[]) {
      assert.match(String(e['id']), /^[0-9a-f]{32}$/);
      assert.equal(e['is_current'], e['date_to'] === null ? 1 : 0);
      if (e['date_from'] !== null) assert.match(String(e['date_from']), /^(January|February|March|April|May|June|July|August|September|October|November|December) \d{4}$/);
    }
  }
});

test('collect by id, shorthand name and profile URL, on the v2 path and its v1 alias, at 10 collect credits', async () => {
  const r = data[4]!;
  const before = await balance('collect');
  const byId = await c.get(`${base}/collect/${r['id']}`);
  assert.equal(byId.statusCode, 200, byId.body);
  assert.deepEqual(byId.json(), r);
  assert.equal(byId.headers['x-credits-remaining'], String(before - 10));
  assert.equal((await c.get(`${base}/collect/${r['shorthand_name']}`)).json()['id'], r['id']);
  assert.equal((await c.get(`${base}/collect/${encodeURIComponent(String(r['profile_url']))}`)).json()['id'], r['id']);
  assert.deepEqual((await c.get(`/cdapi/v1/professional_network/employee_base/collect/${r['id']}?fields=id&fields=headline`)).json(), { id: r['id'], headline: r['headline'] });
  const missing = await c.get(`${base}/collect/1`);
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(missing.json(), { detail: 'Employee not found' });
  assert.equal(await balance('collect'), before - 4 * 10, 'four 200s charged, the 404 free');
});

test('search/filter finds what the filters say, free; its preview answers 20-row pages at 10 credits; bad filters are 422/400', async () => {
  const r = data[6]!;
  const job = current(r)!;
  const expected = data.filter((x) => (x['experience'] as Rec[]).some((e) => e['company_name'] === job['company_name'] && e['is_current'] === 1)).map((x) => x['id']).sort();
  const before = await balance('search');
  const res = await c.post(`${base}/search/filter`, { experience_company_exact_name: job['company_name'], active_experience: true });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual((res.json() as number[]).sort(), expected);
  assert.equal(res.headers['x-total-results'], String(expected.length));
  assert.equal(await balance('search'), before, 'search is free');

  const country = String(r['country']);
  const inCountry = data.filter((x) => x['country'] === country).map((x) => x['id']).sort();
  const byCountry = await c.post(`${base}/search/filter`, { country });
  assert.deepEqual((byCountry.json() as number[]).sort(), inCountry);

  const preview = await c.post(`${base}/search/filter/preview`, { country });
  assert.equal(preview.statusCode, 200, preview.body);
  const rows = preview.json() as Rec[];
  if (inCountry.length <= 20) assert.deepEqual(rows.map((x) => x['id']).sort(), inCountry);
  else assert.equal(rows.length, 20);
  assert.ok(rows.every((x) => inCountry.includes(x['id'] as number)));
  assert.equal(preview.headers['x-total-results'], String(inCountry.length));
  const row = rows.find((x) => x['id'] === r['id']);
  if (row) assert.equal(row['company_name'], job['company_name']);
  assert.equal(await balance('search'), before - 10);

  const wrongType = await c.post(`${base}/search/filter`, { experience_company_id: 'abc' });
  assert.equal(wrongType.statusCode, 422);
  assert.deepEqual(wrongType.json().detail[0].loc, ['body', 'experience_company_id']);
  const empty = await c.post(`${base}/search/filter`, { no_such_filter: 'x' });
  assert.equal(empty.statusCode, 400, empty.body);
  const hidden = await c.post(`${base}/search/filter`, { is_hidden: true });
  assert.equal(hidden.statusCode, 422);
  assert.equal(await balance('search'), before - 10, 'errors are free');
});

test('es_dsl preview: the documented Base fields from the current job', async () => {
  const res = await c.post(`${base}/search/es_dsl/preview`, { query: { match_all: {} } });
  assert.equal(res.statusCode, 200, res.body);
  const rows = res.json() as Rec[];
  assert.equal(rows.length, 20);
  for (const row of rows) {
    const r = data.find((x) => x['id'] === row['id'])!;
    const job = current(r);
    assert.equal(row['profile_url'], r['profile_url']);
    assert.equal(row['title'], job?.['title'] ?? null);
    assert.equal(row['experience_location'], job?.['location'] ?? null);
  }
});

test('map/ids maps the ids Base holds to themselves and lists the rest; bad bodies are 422', async () => {
  const held = [data[0]!['id'] as number, data[1]!['id'] as number];
  const res = await c.post(`${base}/map/ids`, [...held, 5, held[0]]);
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), {
    total_id_count: 3, mapped_id_count: 2, unmapped_id_count: 1,
    mapped_ids: { [String(held[0])]: held[0], [String(held[1])]: held[1] }, unmapped_ids: [5],
  });
  assert.equal((await c.post(`${base}/map/ids`, { ids: held })).statusCode, 422);
  assert.equal((await c.post(`${base}/map/ids`, ['x'])).statusCode, 422);
  const tooMany = await c.post(`${base}/map/ids`, Array.from({ length: 10_001 }, (_, i) => i + 1));
  assert.equal(tooMany.statusCode, 422);
  assert.deepEqual(tooMany.json(), { detail: 'Maximum is 10,000 IDs' });
});

test('bulk data requests by filter, shorthand names and URLs deliver exactly their records', async () => {
  const deliver = async (kind: string, body: unknown): Promise<Rec[]> => {
    const res = await c.post(`/cdapi/v2/data_requests/employee_base/${kind}`, body);
    assert.equal(res.statusCode, 201, res.body);
    const url = `/cdapi/v2/data_requests/${res.json().request_id}/files`;
    const done = await c.wait(url);
    assert.equal(done.statusCode, 200, done.body);
    return c.records(url, done.json().data_request_files as string[]);
  };
  const country = String(data[3]!['country']);
  const byFilter = await deliver('filter', { filters: { country }, limit: 2 });
  assert.equal(byFilter.length, Math.min(2, data.filter((x) => x['country'] === country).length));
  assert.ok(byFilter.every((x) => x['country'] === country));
  assert.deepEqual(await deliver('shorthand_names', { shorthand_names: [data[8]!['shorthand_name']] }), [data[8]]);
  assert.deepEqual(await deliver('urls', { urls: [data[9]!['profile_url']] }), [data[9]]);
  const bad = await c.post('/cdapi/v2/data_requests/employee_base/filter', { filters: { experience_company_id: 'x' } });
  assert.equal(bad.statusCode, 422);
  assert.deepEqual(bad.json().detail[0].loc, ['body', 'filters', 'experience_company_id']);
});

test('a profile subscription by filters is kept as the ES DSL it stands for; date filters are refused', async () => {
  const url = 'http://127.0.0.1:9/hook';
  const res = await c.post(`/cdapi/v2/subscriptions/employee_base/filter`, { webhook_url: url, filters: { country: 'Spain' } });
  assert.equal(res.statusCode, 200, res.body);
  const details = await c.get(`/cdapi/v2/subscriptions/${res.json().id}`);
  assert.equal(details.statusCode, 200, details.body);
  assert.match(details.body, /country\.exact/);
  const dated = await c.post(`/cdapi/v2/subscriptions/employee_base/filter`, { webhook_url: url, filters: { updated_at_gte: '2024-01-01 00:00:00' } });
  assert.equal(dated.statusCode, 422, dated.body);
  const missing = await c.post(`/cdapi/v2/subscriptions/employee_base/filter`, { webhook_url: url });
  assert.equal(missing.statusCode, 422);
  assert.equal((await c.post(`/cdapi/v2/subscriptions/experience_changes/employee_base/filter`, { webhook_url: url, filters: { country: 'Spain' } })).statusCode, 404, 'experience subscriptions take ids or es_dsl only');
});
