import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeHarness, people, type Harness } from './helpers/harness.js';

let h: Harness;
let apiKey: string;
const data = people(20);
const first = data.clean[0]!;
const firstV1 = data.v1[0]!;
const shorthand = (first['shorthand_names'] as string[])[0]!;

before(async () => {
  h = await makeHarness();
  await h.importRecords('employee_clean', data.clean, true);
  await h.importRecords('employee', data.v1);
  apiKey = (await h.key({ collectCredits: 1000 })).api_key;
});
after(() => h.close());

const get = (url: string, key = apiKey) => h.app.inject({ method: 'GET', url, headers: { apikey: key } });

test('v2 collect by id returns the stored record as-is', async () => {
  const res = await get(`/cdapi/v2/employee_clean/collect/${first['id']}`);
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.deepEqual(res.json(), first);
});

test('v2 collect by shorthand name, case-insensitively', async () => {
  const res = await get(`/cdapi/v2/employee_clean/collect/${shorthand.toUpperCase()}`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().id, first['id']);
});

test('v2 collect by URL-encoded profile URL, and by the raw URL in the path', async () => {
  const url = String(first['websites_professional_network']);
  for (const path of [encodeURIComponent(url), url, encodeURIComponent(url + '/')]) {
    const res = await get(`/cdapi/v2/employee_clean/collect/${path}`);
    assert.equal(res.statusCode, 200, path);
    assert.equal(res.json().id, first['id']);
  }
});

test('v2 collect by a historical shorthand name', async () => {
  const record: Record<string, unknown> = { ...data.clean[1]!, shorthand_names: ['new-name-xyz', 'old-name-abc'] };
  await h.importRecords('employee_clean', [record]);
  const res = await get('/cdapi/v2/employee_clean/collect/old-name-abc');
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().id, record['id']);
});

test('v1 collect by id and shorthand name, with every alias prefix', async () => {
  for (const prefix of ['/cdapi/v1/professional_network/employee', '/cdapi/v1/professional_network/member', '/cdapi/v1/linkedin/member']) {
    const byId = await get(`${prefix}/collect/${firstV1['id']}`);
    assert.equal(byId.statusCode, 200, prefix);
    assert.deepEqual(byId.json(), firstV1);
    const bySlug = await get(`${prefix}/collect/${firstV1['member_shorthand_name']}`);
    assert.equal(bySlug.statusCode, 200);
    assert.equal(bySlug.json().id, firstV1['id']);
  }
});

test('clean_member legacy alias serves the clean dataset', async () => {
  const res = await get(`/cdapi/v1/professional_network/clean_member/collect/${first['id']}`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().full_name, first['full_name']);
});

test('404 bodies: v1 Member not found, v2 Employee not found', async () => {
  const v1 = await get('/cdapi/v1/professional_network/employee/collect/999999999');
  assert.equal(v1.statusCode, 404);
  assert.deepEqual(v1.json(), { detail: 'Member not found' });
  const v1slug = await get('/cdapi/v1/professional_network/employee/collect/nobody-here');
  assert.deepEqual(v1slug.json(), { detail: 'Member not found' });
  const v2 = await get('/cdapi/v2/employee_clean/collect/999999999');
  assert.equal(v2.statusCode, 404);
  assert.deepEqual(v2.json(), { detail: 'Employee not found' });
  for (const bad of ['https%3A%2F%2Fexample.com%2Fcompany%2Facme', 'not%20a%20name', '%F0%9F%98%80']) {
    const res = await get(`/cdapi/v2/employee_clean/collect/${bad}`);
    assert.equal(res.statusCode, 404, bad);
    assert.deepEqual(res.json(), { detail: 'Employee not found' });
  }
  const v1url = await get(`/cdapi/v1/professional_network/employee/collect/${encodeURIComponent(String(firstV1['url']))}`);
  assert.equal(v1url.statusCode, 404, 'v1 does not resolve profile URLs');
});

test('fields projection: repeated and comma-separated', async () => {
  const a = await get(`/cdapi/v2/employee_clean/collect/${first['id']}?fields=id&fields=full_name`);
  assert.equal(a.statusCode, 200);
  assert.deepEqual(a.json(), { id: first['id'], full_name: first['full_name'] });
  const b = await get(`/cdapi/v2/employee_clean/collect/${first['id']}?fields=id,experience`);
  assert.deepEqual(Object.keys(b.json()), ['id', 'experience']);
  assert.deepEqual(b.json().experience, first['experience']);
});

test('unknown projection field is a 422 naming it, and costs nothing', async () => {
  const before = await h.rt.store.credits.balance((await keyId()), 'collect');
  const res = await get(`/cdapi/v2/employee_clean/collect/${first['id']}?fields=id&fields=salary`);
  assert.equal(res.statusCode, 422);
  const body = res.json();
  assert.deepEqual(body.detail[0].loc, ['query', 'fields']);
  assert.match(body.detail[0].msg, /salary/);
  assert.equal(await h.rt.store.credits.balance(await keyId(), 'collect'), before);
});

/** Rewrites how the embedded store keeps a Clean record (as an earlier version wrote it); returns SQLite's type of the kept value. */
async function keepAs(id: number, value: string | Buffer): Promise<string> {
  const { default: Database } = await import('better-sqlite3');
  const { join } = await import('node:path');
  const { storeDir } = await import('../src/runtime.js');
  const db = new Database(join(storeDir(h.config), 'records.db'));
  try {
    db.prepare('UPDATE employee_clean_records SET record = ? WHERE id = ?').run(value, id);
    return (db.prepare('SELECT typeof(record) AS t FROM employee_clean_records WHERE id = ?').get(id) as { t: string }).t;
  } finally {
    db.close();
  }
}

async function keyId(): Promise<string> {
  const keys = await h.rt.store.keys.list();
  return keys[0]!.id;
}

test('unknown routes answer 404 Not Found and wrong methods 405', async () => {
  const missing = await get('/cdapi/v2/employee_clean/nothing');
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(missing.json(), { detail: 'Not Found' });
  const wrong = await h.app.inject({ method: 'POST', url: `/cdapi/v2/employee_clean/collect/${first['id']}`, headers: { apikey: apiKey } });
  assert.equal(wrong.statusCode, 405);
  assert.deepEqual(wrong.json(), { detail: 'Method Not Allowed' });
  assert.match(String(wrong.headers['allow']), /GET/);
});

test('records kept deflated with a dictionary go out as JSON, to clients that accept gzip too', async () => {
  const url = `/cdapi/v2/employee_clean/collect/${first['id']}`;
  const plain = await get(url);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.deepEqual(plain.json(), first);
  for (const accept of ['gzip', 'gzip, deflate, br', '*', 'identity']) {
    const res = await h.app.inject({ method: 'GET', url, headers: { apikey: apiKey, 'accept-encoding': accept } });
    assert.equal(res.statusCode, 200, accept);
    assert.equal(res.headers['content-encoding'], undefined, accept);
    assert.equal(res.body, plain.body, accept);
  }
});

test('a record kept as a gzip member goes to a client that accepts gzip as it is kept; others, and projections, get plain JSON', async (t) => {
  const { gunzipSync, gzipSync } = await import('node:zlib');
  const { testStore } = await import('./helpers/pg-database.js');
  if (testStore() === 'postgres') return t.skip('the embedded store\'s record forms (PostgreSQL keeps text, compressed by TOAST)');
  const record = data.clean[2]!;
  const url = `/cdapi/v2/employee_clean/collect/${record['id']}`;
  const plain = await get(url);
  // As an earlier version of the store kept it: a gzip member of the record's text.
  assert.equal(await keepAs(record['id'] as number, gzipSync(plain.body)), 'blob');
  for (const accept of ['gzip', 'gzip, deflate, br', 'br;q=1.0, gzip;q=0.8', '*']) {
    const res = await h.app.inject({ method: 'GET', url, headers: { apikey: apiKey, 'accept-encoding': accept } });
    assert.equal(res.statusCode, 200, accept);
    assert.equal(res.headers['content-encoding'], 'gzip', accept);
    assert.equal(res.headers['vary'], 'accept-encoding');
    assert.equal(Number(res.headers['content-length']), res.rawPayload.length);
    assert.ok(res.rawPayload.length < plain.rawPayload.length / 2, `${res.rawPayload.length} vs ${plain.rawPayload.length} bytes`);
    assert.equal(gunzipSync(res.rawPayload).toString('utf8'), plain.body, 'the same bytes once inflated');
  }
  for (const accept of ['identity', 'gzip;q=0', 'deflate', 'gzip;q=0, *']) {
    const res = await h.app.inject({ method: 'GET', url, headers: { apikey: apiKey, 'accept-encoding': accept } });
    assert.equal(res.headers['content-encoding'], undefined, accept);
    assert.equal(res.body, plain.body, accept);
  }
  const projected = await h.app.inject({ method: 'GET', url: `${url}?fields=full_name`, headers: { apikey: apiKey, 'accept-encoding': 'gzip' } });
  assert.equal(projected.headers['content-encoding'], undefined);
  assert.deepEqual(projected.json(), { full_name: record['full_name'] });
});

test('records written as text before the store compressed them are still collected', async (t) => {
  const { testStore } = await import('./helpers/pg-database.js');
  if (testStore() === 'postgres') return t.skip('the embedded store\'s record form (PostgreSQL keeps text)');
  const second = data.clean[1]!;
  const text = JSON.stringify(second);
  assert.equal(await keepAs(second['id'] as number, text), 'text');
  const res = await h.app.inject({ method: 'GET', url: `/cdapi/v2/employee_clean/collect/${second['id']}`, headers: { apikey: apiKey, 'accept-encoding': 'gzip' } });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-encoding'], undefined);
  assert.equal(res.body, text);
  assert.equal(await h.rt.store.employees.getJsonById('employee_clean', second['id'] as number), text);
});
