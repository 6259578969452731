// The typed client (`rollcall/client`, imported by the package's own name) against a real
// `rollcall serve` over HTTPS on the store under test: collect, a search paged to its last page,
// preview, bulk requests (by query and by id file) through to their records, a signed webhook
// verified (and a tampered or stale one refused), and a 429 retried after its Retry-After.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { RollcallClient, RollcallError, verifyWebhookSignature } from 'rollcall/client';
import { tempDir } from './helpers/harness.js';
import { testStoreAt } from './helpers/pg-database.js';
import { cli, httpsGetBuffer, startServer, type Server } from './helpers/processes.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';

type Rec = Record<string, unknown>;
const people = 120;

let server: Server;
let hook: Receiver;
let ca: string;
let records: Rec[];
let key: { key_id: string; api_key: string };
let secret: string;
let drop: () => Promise<void>;
let args: string[];

before(async () => {
  const dir = await tempDir('rollcall-client-');
  const at = await testStoreAt(join(dir, 'data'));
  args = at.args;
  drop = at.drop;
  cli('generate', '--people', String(people), '--seed', '4', '--out', join(dir, 'gen'));
  const file = join(dir, 'gen', 'employee_clean.jsonl.gz');
  cli('import', ...args, '--dataset', 'employee_clean', file);
  records = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);
  key = JSON.parse(cli('keys', 'create', ...args, '--search-credits', '1000', '--collect-credits', '1000', '--json')) as typeof key;
  secret = cli('keys', 'webhook-secret', ...args, key.key_id).trim();
  hook = await startReceiver();
  server = await startServer(args, {
    ROLLCALL_WEBHOOK_ALLOW_LIST: new URL(hook.url).host, ROLLCALL_JOB_POLL_MS: '100',
    ROLLCALL_RATE_LIMIT_SEARCH: '0', ROLLCALL_RATE_LIMIT_BULK_FILES: '0',
  });
  ca = readFileSync(join(dir, 'data', 'tls', 'cert.pem'), 'utf8');
});

after(async () => {
  await server?.stop();
  await hook?.close();
  await drop?.();
});

/** A GET on the admin API over the same HTTPS (the client speaks the data API only). */
async function adminGet(path: string, token: string): Promise<Buffer> {
  const res = await httpsGetBuffer(`${new URL(server.baseUrl).origin}${path}`, { authorization: `Bearer ${token}` }, ca);
  assert.equal(res.status, 200, `${path}: ${res.body.toString('utf8')}`);
  return res.body;
}

const client = (options: Partial<ConstructorParameters<typeof RollcallClient>[0]> = {}): RollcallClient =>
  new RollcallClient({ baseUrl: server.baseUrl, apiKey: key.api_key, ca, ...options });

test('collect returns the typed record, and null for an id that is not there', async () => {
  const c = client();
  try {
    const r = records[3]!;
    const got = await c.collect('employee_clean', r['id'] as number);
    assert.deepEqual(got, r);
    assert.equal(got?.id, r['id']);
    assert.equal(await c.collect('employee_clean', 1), null);
  } finally {
    c.close();
  }
});

test('searchAll walks every page to the last one: each id once, as many as the total', async () => {
  const c = client();
  try {
    const query = { query: { match_all: {} } };
    const first = await c.search('employee_clean', query, { itemsPerPage: 25 });
    assert.equal(first.total, people);
    assert.equal(first.ids.length, 25);
    assert.ok(first.nextAfter);
    const all: number[] = [];
    for await (const id of c.searchAll('employee_clean', query, { itemsPerPage: 25 })) all.push(id);
    assert.equal(all.length, people);
    assert.equal(new Set(all).size, people);
    assert.deepEqual([...all].sort(), records.map((r) => r['id'] as number).sort());
    assert.deepEqual(all.slice(0, 25), first.ids);
    // The last page says there is no next one.
    let after: string | undefined = first.nextAfter!;
    let last = first;
    while (after !== undefined) {
      last = await c.search('employee_clean', query, { itemsPerPage: 25, after });
      after = last.nextAfter ?? undefined;
    }
    assert.equal(last.ids.length, people % 25 || 25);
    assert.equal(last.nextAfter, null);

    const preview = await c.preview('employee_clean', query);
    assert.equal(preview.items.length, 20);
    assert.equal(preview.total, people);
  } finally {
    c.close();
  }
});

test('a bulk request by query becomes records, and its webhook is signed: verified, and refused when tampered or stale', async () => {
  const c = client();
  try {
    const wanted = records.slice(10, 16).map((r) => r['id'] as number);
    hook.received.length = 0;
    const requestId = await c.bulk.esDsl('employee_clean', { query: { terms: { id: wanted } } }, { webhookUrl: hook.url });
    const got: Rec[] = [];
    for await (const r of c.bulk.records('employee_clean', requestId, { pollMs: 100, timeoutMs: 30_000 })) got.push(r);
    assert.deepEqual(got.map((r) => r.id).sort(), [...wanted].sort());
    assert.deepEqual(got.find((r) => r.id === wanted[0]), records[10]);

    // An operator downloads the same part with an admin token, whatever key made the request.
    const adminToken = (JSON.parse(cli('admin', 'create-token', ...args, '--json')) as { token: string }).token;
    const listed = await adminGet(`/admin/v1/data_requests/${requestId}/files`, adminToken);
    const files = (JSON.parse(listed.toString('utf8')) as { files: string[] }).files;
    assert.equal(files.length, 1);
    assert.deepEqual(await adminGet(`/admin/v1/data_requests/${requestId}/files/${files[0]}`, adminToken), await c.bulk.download(requestId, files[0]!));

    const [delivery] = await hook.waitFor(1, 15_000);
    const signature = String(delivery!.headers['x-rollcall-signature']);
    assert.equal(verifyWebhookSignature(secret, signature, delivery!.body), true);
    assert.equal(verifyWebhookSignature(secret, signature, Buffer.from(delivery!.body)), true);
    assert.equal(verifyWebhookSignature(secret, signature, delivery!.body.replace(requestId, '00000000-0000-0000-0000-000000000000')), false);
    assert.equal(verifyWebhookSignature('another secret', signature, delivery!.body), false);
    assert.equal(verifyWebhookSignature(secret, signature, delivery!.body, { nowSeconds: Math.floor(Date.now() / 1000) + 3600 }), false);
    assert.equal(verifyWebhookSignature(secret, 'v1=abc', delivery!.body), false);
    assert.match(delivery!.body, new RegExp(requestId));
  } finally {
    c.close();
  }
});

test('a bulk request by ids (an id file for Clean) is waited for and downloaded', async () => {
  const c = client();
  try {
    const wanted = records.slice(40, 43).map((r) => r['id'] as number);
    const requestId = await c.bulk.ids('employee_clean', wanted);
    const files = await c.bulk.wait(requestId, { pollMs: 100, timeoutMs: 30_000 });
    assert.equal(files.length, 1);
    const lines = gunzipSync(await c.bulk.download(requestId, files[0]!)).toString('utf8').trim().split('\n');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as Rec)['id']).sort(), [...wanted].sort());
  } finally {
    c.close();
  }
});

test('a 429 is retried after its Retry-After; with no retries left it is a RollcallError with the status and body', async () => {
  const limited = JSON.parse(cli('keys', 'create', ...args, '--collect-credits', '100', '--rate-limit', 'collect=1', '--json')) as { api_key: string };
  const id = records[0]!['id'] as number;
  const patient = client({ apiKey: limited.api_key });
  const impatient = client({ apiKey: limited.api_key, maxRetries: 0 });
  try {
    assert.ok(await patient.collect('employee_clean', id));
    const t0 = Date.now();
    assert.ok(await patient.collect('employee_clean', id), 'the second collect in the same second got through after waiting');
    assert.ok(Date.now() - t0 >= 200, 'it waited for the limit to refill');
    await assert.rejects(impatient.collect('employee_clean', id), (error: unknown) => {
      assert.ok(error instanceof RollcallError);
      assert.equal(error.status, 429);
      assert.deepEqual(error.body, { message: 'API rate limit exceeded' });
      assert.ok(Number(error.headers['retry-after']) >= 1);
      return true;
    });
    const wrong = client({ apiKey: 'X'.repeat(32) });
    await assert.rejects(wrong.search('employee_clean', { query: { match_all: {} } }), (error: unknown) => error instanceof RollcallError && error.status === 401);
    wrong.close();
  } finally {
    patient.close();
    impatient.close();
  }
});
