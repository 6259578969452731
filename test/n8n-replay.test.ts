// What Coresignal's official n8n node sends, request by request, as the spec describes it (spec
// current/ §2.1, §4, §9.1; not the node's code): `apikey` plus `Accept` and `Content-Type:
// application/json` on every request, GETs included; the credential test
// `GET /cdapi/v2/company_base/collect/2`; employee collect by id and by shorthand name
// (`encodeURIComponent`) with `fields` repeated; `search/es_dsl` with its default
// `{"query":{"match_all":{}}}` body; preview. Every answer is the documented 2xx and shape.
// Runs on both stores, with the generator's data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { companyBaseRecord, credentialCheckCompany } from '../src/generator/company-shape.js';
import { getPools } from '../src/generator/pools.js';
import { multiSourceFromClean } from '../src/generator/multi-source-shape.js';
import { makeHarness, noDataRateLimits, people, type Harness } from './helpers/harness.js';

type Rec = Record<string, unknown>;

let h: Harness;
let apiKey: string;
const seed = 17;
const data = people(25, seed).clean.map(multiSourceFromClean);
const companies = [credentialCheckCompany, ...getPools(seed).companies.slice(0, 200).map(companyBaseRecord)];

before(async () => {
  h = await makeHarness({ ...noDataRateLimits });
  await h.importRecords('employee_multi_source', data);
  await h.importRecords('company_base', companies);
  apiKey = (await h.key({ collectCredits: 1000, searchCredits: 1000 })).api_key;
});
after(async () => {
  await h.close();
});

/** The node's request: its three headers on every method. */
function send(method: 'GET' | 'POST', url: string, body?: unknown, key = apiKey) {
  return h.app.inject({
    method, url,
    headers: { apikey: key, accept: 'application/json', 'content-type': 'application/json' },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
}

test('credential test: company 2 answers 200 with a company object for a valid key, 401 for a bad one', async () => {
  const ok = await send('GET', '/cdapi/v2/company_base/collect/2');
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(ok.json(), credentialCheckCompany);
  const bad = await send('GET', '/cdapi/v2/company_base/collect/2', undefined, 'not-a-key');
  assert.equal(bad.statusCode, 401);
  assert.deepEqual(bad.json(), { message: 'Invalid authentication credentials' });
});

test('Get by ID and Get by Slug with fields repeated answer the projected record', async () => {
  const r = data[4]!;
  const byId = await send('GET', `/cdapi/v2/employee_multi_source/collect/${r['id']}?fields=id&fields=full_name&fields=headline`);
  assert.equal(byId.statusCode, 200, byId.body);
  assert.deepEqual(byId.json(), { id: r['id'], full_name: r['full_name'], headline: r['headline'] });
  const slug = (r['professional_network_shorthand_names'] as string[])[0]!;
  const bySlug = await send('GET', `/cdapi/v2/employee_multi_source/collect/${encodeURIComponent(slug)}?fields=id&fields=professional_network_url`);
  assert.equal(bySlug.statusCode, 200, bySlug.body);
  assert.deepEqual(bySlug.json(), { id: r['id'], professional_network_url: r['professional_network_url'] });
});

test('search with the default body answers an array of integer ids; preview an array of objects', async () => {
  const search = await send('POST', '/cdapi/v2/employee_multi_source/search/es_dsl', { query: { match_all: {} } });
  assert.equal(search.statusCode, 200, search.body);
  const ids = search.json() as unknown[];
  assert.equal(ids.length, data.length);
  assert.ok(ids.every((id) => Number.isInteger(id)));
  assert.deepEqual(new Set(ids), new Set(data.map((r) => r['id'])));
  const preview = await send('POST', '/cdapi/v2/employee_multi_source/search/es_dsl/preview', { query: { match_all: {} } });
  assert.equal(preview.statusCode, 200, preview.body);
  const rows = preview.json() as Rec[];
  assert.equal(rows.length, 20);
  for (const row of rows) {
    assert.equal(typeof row['id'], 'number');
    assert.equal(typeof row['_score'], 'number');
    assert.ok('full_name' in row && 'professional_network_url' in row && 'headline' in row);
  }
});

test('company_base: collect by shorthand name and company URL, search, and experience entries naming companies that collect finds', async () => {
  const company = companies[7]!;
  const bySlug = await send('GET', `/cdapi/v2/company_base/collect/${company['company_shorthand_name']}`);
  assert.equal(bySlug.statusCode, 200, bySlug.body);
  assert.equal(bySlug.json()['id'], company['id']);
  const byUrl = await send('GET', `/cdapi/v2/company_base/collect/${encodeURIComponent(String(company['url']))}`);
  assert.equal(byUrl.statusCode, 200, byUrl.body);
  assert.equal(byUrl.json()['id'], company['id']);
  const personUrl = await send('GET', `/cdapi/v2/company_base/collect/${encodeURIComponent(`https://www.professional-network.example/in/${company['company_shorthand_name']}`)}`);
  assert.equal(personUrl.statusCode, 404, 'a profile URL names a person, not a company');
  const search = await send('POST', '/cdapi/v2/company_base/search/es_dsl', { query: { term: { 'name.exact': company['name'] } } });
  assert.equal(search.statusCode, 200, search.body);
  assert.deepEqual(search.json(), [company['id']]);
  const missing = await send('GET', '/cdapi/v2/company_base/collect/3');
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(missing.json(), { detail: 'Company not found' });
  // The employee records' employers are the company dataset's companies (same ids).
  const known = new Set(companies.map((c) => c['id']));
  const employers = data.flatMap((r) => (r['experience'] as Rec[]).map((e) => e['company_id'])).filter((id) => known.has(id));
  assert.ok(employers.length > 0, 'some employers are among the first 200 companies');
  const employer = await send('GET', `/cdapi/v2/company_base/collect/${employers[0]}`);
  assert.equal(employer.statusCode, 200);
});
