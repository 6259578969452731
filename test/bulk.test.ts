// Bulk Collect end to end through the real app, store, job runner, files and a real receiver.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { makeHarness, noDataRateLimits, people, type Harness } from './helpers/harness.js';
import { bulkClient } from './helpers/bulk-client.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { webhookSecret } from '../src/webhooks/webhook-secrets.js';
import { verifyWebhook, signatureHeader, deliveryHeader } from '../src/webhooks/webhook-signature.js';

let h: Harness;
let hook: Receiver;
let key: { key_id: string; api_key: string };
let c: ReturnType<typeof bulkClient>;
const data = people(40, 11);
const v2 = '/cdapi/v2/data_requests';
const v1 = '/cdapi/v1/bulk_collect';
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

before(async () => {
  h = await makeHarness({
    ROLLCALL_BULK_MAX_RECORDS: '25',
    ROLLCALL_BULK_PART_RECORDS: '7',
    ROLLCALL_WEBHOOK_ALLOW_PRIVATE: 'true',
    ROLLCALL_JOB_POLL_MS: '20',
    ...noDataRateLimits,
  }, { workers: true });
  await h.importRecords('employee_clean', data.clean);
  await h.importRecords('employee', data.v1);
  key = await h.key({ collectCredits: 1000, searchCredits: 1000 });
  c = bulkClient(h, key.api_key);
  hook = await startReceiver();
  h.workers!.start();
});
after(async () => {
  await h.close();
  await hook.close();
});

async function collect(dataset: 'v1' | 'v2', id: unknown): Promise<unknown> {
  const url = dataset === 'v2' ? `/cdapi/v2/employee_clean/collect/${id}` : `/cdapi/v1/professional_network/employee/collect/${id}`;
  const res = await c.get(url);
  assert.equal(res.statusCode, 200);
  return res.json();
}

/** POSTs, waits for the files, and returns the delivered records. */
async function run(url: string, body: unknown, filesBase = v2): Promise<{ id: string; records: Record<string, unknown>[]; names: string[] }> {
  const res = await c.post(url, body);
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json().request_id as string;
  const done = await c.wait(`${filesBase}/${id}/files`);
  assert.equal(done.statusCode, 200, done.body);
  const names = done.json().data_request_files as string[];
  return { id, names, records: await c.records(`${filesBase}/${id}/files`, names) };
}

test('v2 es_dsl: 201 with Location; files hold exactly the matching records as collect has them; one charge; a signed webhook', async () => {
  const before = await h.rt.store.credits.balance(key.key_id, 'collect');
  const body = { webhook_url: hook.url, limit: 10, es_dsl_query: { query: { match_all: {} } } };
  const res = await c.post(`${v2}/employee_clean/es_dsl`, body);
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json().request_id as string;
  assert.match(id, uuid);
  assert.equal(res.headers['location'], `/v2/data_requests/${id}/files`);
  const done = await c.wait(`${v2}/${id}/files`);
  assert.equal(done.statusCode, 200);
  const names = done.json().data_request_files as string[];
  assert.equal(names.length, 2, 'ten records in parts of seven');
  for (const n of names) assert.match(n, /^json\/part-\d{5}-[0-9a-f-]{36}-c000\.json\.gz$/);
  assert.equal(await h.rt.store.credits.balance(key.key_id, 'collect'), before - 10, 'one credit per delivered record');
  const records = await c.records(`${v2}/${id}/files`, names);
  assert.equal(records.length, 10);
  assert.equal(new Set(records.map((r) => r['id'])).size, 10, 'each record once');
  for (const r of records) assert.deepEqual(r, await collect('v2', r['id']));
  // The same ten a search returns first.
  const search = await c.post('/cdapi/v2/employee_clean/search/es_dsl?items_per_page=10', { query: { match_all: {} } });
  assert.deepEqual(new Set(records.map((r) => r['id'])), new Set(search.json()));
  const ledger = (await h.rt.store.credits.ledger(key.key_id)).filter((e) => e.ref === id);
  assert.deepEqual(ledger.map((e) => [e.delta, e.reason]), [[-10, 'bulk_collect']]);

  const [delivery] = await hook.waitFor(1);
  const payload = JSON.parse(delivery!.body);
  assert.deepEqual(payload, { request_id: id, status: 'completed', data_request_files: names, detail: null });
  const secret = await webhookSecret(h.rt.store.secrets, key.key_id);
  assert.ok(verifyWebhook(secret, String(delivery!.headers[signatureHeader]), delivery!.body, h.clock.now() / 1000));
  assert.ok(!verifyWebhook('whsec_wrong', String(delivery!.headers[signatureHeader]), delivery!.body, h.clock.now() / 1000));
  assert.match(String(delivery!.headers[deliveryHeader]), uuid);
  assert.equal(delivery!.headers['content-type'], 'application/json');
});

test('every POST form on v2 and v1 delivers exactly the requested records', async () => {
  const [a, b, cc] = data.clean;
  const idsFile = `${a!['id']}\n${b!['id']}\r\n\n${cc!['id']}\n999999999\n`;
  const upload = await c.upload(`${v2}/employee_clean/id_file`, idsFile, { limit: '10' });
  assert.equal(upload.statusCode, 201, upload.body);
  const uploaded = await c.wait(`${v2}/${upload.json().request_id}/files`);
  const fromFile = await c.records(`${v2}/${upload.json().request_id}/files`, uploaded.json().data_request_files);
  assert.deepEqual(fromFile.map((r) => r['id']), [a!['id'], b!['id'], cc!['id']], 'ids in file order; the unknown one skipped');

  const json = await run(`${v2}/employee_clean/id_file`, { ids: [b!['id'], a!['id']] });
  assert.deepEqual(json.records.map((r) => r['id']), [b!['id'], a!['id']]);

  const slugs = [data.clean[4]!, data.clean[5]!].map((p) => (p['shorthand_names'] as string[])[0]!);
  const byName = await run(`${v2}/employee_clean/shorthand_names`, { shorthand_names: [slugs[0]!.toUpperCase(), slugs[1]!] });
  assert.deepEqual(byName.records.map((r) => r['id']), [data.clean[4]!['id'], data.clean[5]!['id']]);

  const urls = [data.clean[6]!, data.clean[7]!].map((p) => String(p['websites_professional_network']));
  const byUrl = await run(`${v2}/employee_clean/urls`, { urls });
  assert.deepEqual(byUrl.records.map((r) => r['id']), [data.clean[6]!['id'], data.clean[7]!['id']]);
  for (const r of [...json.records, ...byName.records, ...byUrl.records]) assert.deepEqual(r, await collect('v2', r['id']));

  const name = String(data.clean[8]!['full_name']);
  const topLevel = await run(`${v2}/employee_clean/es_dsl`, { query: { match_phrase: { full_name: name } } });
  assert.ok(topLevel.records.length >= 1 && topLevel.records.every((r) => r['full_name'] === name));

  const legacy = await run('/cdapi/v1/professional_network/clean_member/bulk_collect/id_file', { ids: [a!['id']] }, v1);
  assert.deepEqual(legacy.records, [await collect('v2', a!['id'])]);

  // v1: member records, files under /v1/bulk_collect.
  const [m1, m2] = data.v1;
  const v1Upload = await c.upload('/cdapi/v1/professional_network/employee/bulk_collect/id_file', `${m1!['id']}\n${m2!['id']}\n`);
  assert.equal(v1Upload.statusCode, 201, v1Upload.body);
  assert.equal(v1Upload.headers['location'], `/v1/bulk_collect/${v1Upload.json().request_id}/files`);
  const v1Done = await c.wait(`${v1}/${v1Upload.json().request_id}/files`);
  const v1Records = await c.records(`${v1}/${v1Upload.json().request_id}/files`, v1Done.json().data_request_files);
  assert.deepEqual(v1Records, [await collect('v1', m1!['id']), await collect('v1', m2!['id'])]);

  const v1Name = String(m1!['name']);
  const filter = await run('/cdapi/v1/professional_network/employee/bulk_collect/filter', { limit: 5, filters: { name: `"${v1Name}"` } }, v1);
  const filterSearch = await c.post('/cdapi/v1/professional_network/employee/search/filter', { name: `"${v1Name}"` });
  assert.deepEqual(new Set(filter.records.map((r) => r['id'])), new Set((filterSearch.json() as number[]).slice(0, 5)));
  assert.ok(filter.records.some((r) => r['id'] === m1!['id']));

  const es = await run('/cdapi/v1/professional_network/member/bulk_collect/es_dsl', { es_dsl_query: { query: { term: { id: m2!['id'] } } } }, v1);
  assert.deepEqual(es.records, [await collect('v1', m2!['id'])]);
});

test('409 for an identical request in flight; a different limit, key or a finished twin is accepted', async () => {
  await h.workers!.stop();
  const body = { limit: 3, es_dsl_query: { query: { match_all: {} } } };
  const first = await c.post(`${v2}/employee_clean/es_dsl`, body);
  assert.equal(first.statusCode, 201);
  const again = await c.post(`${v2}/employee_clean/es_dsl`, { es_dsl_query: { query: { match_all: {} } }, limit: 3 });
  assert.equal(again.statusCode, 409);
  assert.deepEqual(again.json(), { detail: 'Identical data request is already in progress.' });
  const ids = ['1', '2'].join('\n');
  assert.equal((await c.upload(`${v2}/employee_clean/id_file`, ids)).statusCode, 201);
  assert.equal((await c.upload(`${v2}/employee_clean/id_file`, ids)).statusCode, 409, 'same file bytes');
  assert.equal((await c.post(`${v2}/employee_clean/es_dsl`, { ...body, limit: 4 })).statusCode, 201);
  const other = await h.key();
  assert.equal((await c.post(`${v2}/employee_clean/es_dsl`, body, other.api_key)).statusCode, 201);
  const pending = await c.get(`${v2}/${first.json().request_id}/files`);
  assert.equal(pending.statusCode, 202);
  assert.deepEqual(pending.json(), { data_request_files: [] });
  h.workers!.start();
  assert.equal((await c.wait(`${v2}/${first.json().request_id}/files`)).statusCode, 200);
  assert.equal((await c.post(`${v2}/employee_clean/es_dsl`, body)).statusCode, 201, 'the first one finished');
});

test('402 when credits run short: nothing delivered, nothing charged, a failed webhook', async () => {
  const poor = await h.key({ collectCredits: 3 });
  const seen = hook.received.length;
  const ids = data.clean.slice(0, 5).map((p) => p['id']);
  const res = await c.post(`${v2}/employee_clean/id_file`, { ids, webhook_url: hook.url }, poor.api_key);
  assert.equal(res.statusCode, 201);
  const done = await c.wait(`${v2}/${res.json().request_id}/files`, poor.api_key);
  assert.equal(done.statusCode, 402);
  assert.deepEqual(done.json(), { detail: 'Insufficient credits' });
  assert.equal(await h.rt.store.credits.balance(poor.key_id, 'collect'), 3);
  assert.equal((await h.rt.store.credits.ledger(poor.key_id)).filter((e) => e.reason === 'bulk_collect').length, 0);
  assert.equal(existsSync(join(h.dir, 'files', 'data_requests', res.json().request_id)), false, 'no files left behind');
  const received = await hook.waitFor(seen + 1);
  assert.deepEqual(JSON.parse(received[seen]!.body), { request_id: res.json().request_id, status: 'failed', data_request_files: [], detail: 'Insufficient credits' });
  // With exactly enough credits the same request goes through and takes all of them.
  const exact = await h.key({ collectCredits: 5 });
  const ok = await c.post(`${v2}/employee_clean/id_file`, { ids }, exact.api_key);
  assert.equal((await c.wait(`${v2}/${ok.json().request_id}/files`, exact.api_key)).statusCode, 200);
  assert.equal(await h.rt.store.credits.balance(exact.key_id, 'collect'), 0);
});

test('404: another key, an unknown or malformed id, a request that matched nothing', async () => {
  const mine = await run(`${v2}/employee_clean/id_file`, { ids: [data.clean[9]!['id']] });
  const other = await h.key();
  for (const url of [`${v2}/${mine.id}/files`, `${v2}/${mine.id}/files/${mine.names[0]}`, `${v1}/${mine.id}/files`]) {
    const res = await c.get(url, other.api_key);
    assert.equal(res.statusCode, 404, url);
    assert.deepEqual(res.json(), { detail: 'Data request not found' });
  }
  assert.deepEqual((await c.get(`${v2}/00000000-0000-4000-8000-000000000000/files`)).json(), { detail: 'Data request not found' });
  assert.equal((await c.get(`${v2}/not-a-uuid/files`)).statusCode, 404);
  assert.deepEqual((await c.get(`${v2}/${mine.id}/files/json/part-99999-x-c000.json.gz`)).json(), { detail: 'File not found' });
  const none = await c.post(`${v2}/employee_clean/id_file`, { ids: [999999991, 999999992] });
  const noneDone = await c.wait(`${v2}/${none.json().request_id}/files`);
  assert.equal(noneDone.statusCode, 404);
  assert.deepEqual(noneDone.json(), { detail: 'No matching IDs found' });
  const noneEs = await c.post(`${v2}/employee_clean/es_dsl`, { es_dsl_query: { query: { term: { id: 1 } } } });
  assert.equal((await c.wait(`${v2}/${noneEs.json().request_id}/files`)).statusCode, 404);
});

test('422 when an es_dsl or filter request matches more than the cap; a limit keeps it under', async () => {
  const res = await c.post(`${v2}/employee_clean/es_dsl`, { es_dsl_query: { query: { match_all: {} } } });
  const done = await c.wait(`${v2}/${res.json().request_id}/files`);
  assert.equal(done.statusCode, 422);
  assert.deepEqual(done.json(), { detail: 'Request matched too many IDs. Maximum is 25 IDs' });
  const limited = await run(`${v2}/employee_clean/es_dsl`, { limit: 25, es_dsl_query: { query: { match_all: {} } } });
  assert.equal(limited.records.length, 25);
  assert.equal(limited.names.length, 4);
});

test('downloads: Content-Length, ETag, Content-Disposition; Range resumes a broken download; 416; 304', async () => {
  const { id, names } = await run(`${v2}/employee_clean/id_file`, { ids: data.clean.slice(10, 16).map((p) => p['id']) });
  const url = `${v2}/${id}/files/${names[0]}`;
  const whole = await c.get(url);
  assert.equal(whole.statusCode, 200);
  assert.equal(whole.headers['content-type'], 'application/gzip');
  assert.equal(Number(whole.headers['content-length']), whole.rawPayload.length);
  assert.match(String(whole.headers['content-disposition']), /^attachment; filename="part-00000-[0-9a-f-]{36}-c000\.json\.gz"$/);
  const etag = String(whole.headers['etag']);
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  assert.equal(gunzipSync(whole.rawPayload).toString().trim().split('\n').length, 6);
  // A download cut after 100 bytes resumes from there.
  const head = await c.get(url, undefined, { range: 'bytes=0-99' });
  assert.equal(head.statusCode, 206);
  assert.equal(head.headers['content-range'], `bytes 0-99/${whole.rawPayload.length}`);
  const tail = await c.get(url, undefined, { range: 'bytes=100-', 'if-range': etag });
  assert.equal(tail.statusCode, 206);
  assert.deepEqual(Buffer.concat([head.rawPayload, tail.rawPayload]), whole.rawPayload);
  const suffix = await c.get(url, undefined, { range: 'bytes=-10' });
  assert.deepEqual(suffix.rawPayload, whole.rawPayload.subarray(-10));
  const stale = await c.get(url, undefined, { range: 'bytes=100-', 'if-range': '"other"' });
  assert.equal(stale.statusCode, 200, 'a changed file is sent whole');
  const beyond = await c.get(url, undefined, { range: `bytes=${whole.rawPayload.length}-` });
  assert.equal(beyond.statusCode, 416);
  assert.equal(beyond.headers['content-range'], `bytes */${whole.rawPayload.length}`);
  assert.equal((await c.get(url, undefined, { 'if-none-match': etag })).statusCode, 304);
  const encoded = await c.get(`${v2}/${id}/files/${encodeURIComponent(names[0]!)}`);
  assert.deepEqual(encoded.rawPayload, whole.rawPayload, 'the %2F-encoded name works too');
  // Downloads cost nothing more.
  const ledger = (await h.rt.store.credits.ledger(key.key_id)).filter((e) => e.ref === id);
  assert.equal(ledger.length, 1);
});

test('bad inputs: each with its status and body, and no request stored', async () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => String(100 + i)).join('\n');
  const count = async () => (await h.rt.store.dataRequests.list(key.key_id, 1000)).length;
  const stored = await count();
  const cases: [string, () => ReturnType<typeof c.post>, number, unknown][] = [
    ['too many ids in a file', () => c.upload(`${v2}/employee_clean/id_file`, ids(26)), 400, { detail: 'File contains too many IDs. Maximum is 25 IDs' }],
    ['duplicates in a file', () => c.upload(`${v2}/employee_clean/id_file`, '5\n6\n5\n'), 422, { detail: 'Input contains duplicate entries: 5' }],
    ['non-numeric line', () => c.upload(`${v2}/employee_clean/id_file`, '5\nabc\n'), 400, { detail: 'File contains an invalid ID on line 2: "abc"' }],
    ['a header line', () => c.upload(`${v2}/employee_clean/id_file`, 'id\n5\n'), 400, { detail: 'File contains an invalid ID on line 1: "id"' }],
    ['empty file', () => c.upload(`${v2}/employee_clean/id_file`, '\n\n'), 400, { detail: 'File contains no IDs' }],
    ['oversized file', () => c.upload(`${v2}/employee_clean/id_file`, '1\n'.repeat(1_100_000)), 400, { detail: 'File is too large. Maximum is 2,097,152 bytes' }],
    ['no ids_file part', () => h.app.inject({ method: 'POST', url: `${v2}/employee_clean/id_file`, headers: { apikey: key.api_key, 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x\r\nContent-Disposition: form-data; name="limit"\r\n\r\n5\r\n--x--\r\n' }), 400, { detail: "No file uploaded: send it in the multipart field 'ids_file'" }],
    ['too many JSON ids', () => c.post(`${v2}/employee_clean/id_file`, { ids: Array.from({ length: 26 }, (_, i) => i + 1) }), 400, { detail: 'Request contains too many IDs. Maximum is 25 IDs' }],
    ['JSON ids of the wrong type', () => c.post(`${v2}/employee_clean/id_file`, { ids: [1, 'x'] }), 422, { detail: [{ loc: ['body', 'ids', 1], msg: 'value is not a valid integer', type: 'type_error.integer' }] }],
    ['limit 0', () => c.post(`${v2}/employee_clean/es_dsl`, { limit: 0, es_dsl_query: { query: { match_all: {} } } }), 422, { detail: [{ loc: ['body', 'limit'], msg: 'ensure this value is greater than 0', type: 'value_error.number.not_gt', ctx: { limit_value: 0 } }] }],
    ['limit not a number', () => c.upload(`${v2}/employee_clean/id_file`, '5\n', { limit: 'ten' }), 422, { detail: [{ loc: ['body', 'limit'], msg: 'value is not a valid integer', type: 'type_error.integer' }] }],
    ['invalid ES DSL', () => c.post(`${v2}/employee_clean/es_dsl`, { es_dsl_query: { query: { nested: { path: 'member_experience_collection', query: { match_all: {} } } } } }), 400, { error: 'Query validation failed: failed to create query: [nested] failed to find nested object under path [member_experience_collection]' }],
    ['aggregations', () => c.post(`${v2}/employee_clean/es_dsl`, { es_dsl_query: { query: { match_all: {} }, aggs: { a: {} } } }), 400, null],
    ['no query at all', () => c.post(`${v2}/employee_clean/es_dsl`, { limit: 5 }), 422, { detail: [{ loc: ['body', 'es_dsl_query'], msg: 'field required', type: 'value_error.missing' }] }],
    ['malformed JSON', () => h.app.inject({ method: 'POST', url: `${v2}/employee_clean/es_dsl`, headers: { apikey: key.api_key, 'content-type': 'application/json' }, payload: '{"es_dsl_query": {,}' }), 422, null],
    ['bad filter type', () => c.post('/cdapi/v1/professional_network/employee/bulk_collect/filter', { filters: { experience_company_id: 'acme' } }), 422, null],
    ['no filters', () => c.post('/cdapi/v1/professional_network/employee/bulk_collect/filter', { limit: 5 }), 422, { detail: [{ loc: ['body', 'filters'], msg: 'field required', type: 'value_error.missing' }] }],
    ['webhook_url not a URL', () => c.post(`${v2}/employee_clean/id_file`, { ids: [1], webhook_url: 'not a url' }), 422, null],
    ['webhook_url with ftp', () => c.post(`${v2}/employee_clean/id_file`, { ids: [1], webhook_url: 'ftp://example.com/x' }), 422, null],
    ['bad shorthand name', () => c.post(`${v2}/employee_clean/shorthand_names`, { shorthand_names: ['ok-name', 'bad name!'] }), 422, { detail: 'Invalid shorthand name: "bad name!"' }],
    ['duplicate shorthand names', () => c.post(`${v2}/employee_clean/shorthand_names`, { shorthand_names: ['john-doe', 'John-Doe'] }), 422, { detail: 'Input contains duplicate entries: john-doe' }],
    ['URL without a profile', () => c.post(`${v2}/employee_clean/urls`, { urls: ['https://www.professional-network.com/company/acme'] }), 422, { detail: 'URL cannot be parsed into a shorthand name: "https://www.professional-network.com/company/acme"' }],
    ['empty list', () => c.post(`${v2}/employee_clean/urls`, { urls: [] }), 422, null],
    ['not an object', () => c.post(`${v2}/employee_clean/urls`, [1, 2]), 422, null],
  ];
  for (const [what, send, status, body] of cases) {
    const res = await send();
    assert.equal(res.statusCode, status, `${what}: ${res.body}`);
    if (body !== null) assert.deepEqual(res.json(), body, what);
  }
  assert.equal(await count(), stored, 'no bad request became a data request');
});

test('retention: after 30 days a request answers 404 and its files are deleted', async () => {
  const { id } = await run(`${v2}/employee_clean/id_file`, { ids: [data.clean[20]!['id']] });
  const dir = join(h.dir, 'files', 'data_requests', id);
  assert.ok(existsSync(dir));
  h.clock.advance(29 * 86_400_000);
  assert.equal((await c.get(`${v2}/${id}/files`)).statusCode, 200);
  h.clock.advance(2 * 86_400_000);
  const res = await c.get(`${v2}/${id}/files`);
  assert.equal(res.statusCode, 404);
  assert.deepEqual(res.json(), { detail: 'Data request files have expired' });
  assert.equal(existsSync(dir), false);
});
