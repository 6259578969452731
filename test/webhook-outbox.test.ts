// The webhook outbox: retries on the configured schedule, dead letters visible and revivable from
// the CLI, deliveries that survive a restart, and the SSRF guard at request and delivery time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { makeHarness, people, type Harness } from './helpers/harness.js';
import { bulkClient } from './helpers/bulk-client.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { runCli } from '../src/cli/main.js';
import { loadConfig } from '../src/config/config.js';
import { Workers } from '../src/domain/workers.js';
import { openRuntime } from '../src/runtime.js';
import { deliveryHeader } from '../src/webhooks/webhook-signature.js';
import type { Delivery } from '../src/store/store.js';

const data = people(5, 3);
const unlimited = { ROLLCALL_RATE_LIMIT_BULK: '0', ROLLCALL_RATE_LIMIT_BULK_FILES: '0', ROLLCALL_JOB_POLL_MS: '20' };

async function setup(env: Record<string, string>, send?: object): Promise<{ h: Harness; hook: Receiver; key: string; keyId: string }> {
  const h = await makeHarness({ ...unlimited, ...env }, { workers: true, ...(send ? { send } : {}) });
  await h.importRecords('employee_clean', data.clean);
  const created = await h.key();
  const hook = await startReceiver();
  h.workers!.start();
  return { h, hook, key: created.api_key, keyId: created.key_id };
}

async function only(h: Harness): Promise<Delivery> {
  const [d] = await h.rt.store.outbox.list(null, 10);
  assert.ok(d, 'one delivery in the outbox');
  return d;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // A check that throws (nothing queued yet) counts as not yet.
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a receiver that fails first gets the same delivery again on the retry schedule, then it is delivered', async () => {
  const { h, hook, key } = await setup({ ROLLCALL_WEBHOOK_ALLOW_PRIVATE: 'true', ROLLCALL_WEBHOOK_RETRY_SCHEDULE: '5s,30s,2m' });
  try {
    hook.answers = [500, 503];
    const res = await bulkClient(h, key).post('/cdapi/v2/data_requests/employee_clean/id_file', { ids: [data.clean[0]!['id']], webhook_url: hook.url });
    assert.equal(res.statusCode, 201);
    await hook.waitFor(1);
    await until(async () => (await only(h)).attempts === 1, 'the first failure recorded');
    let d = await only(h);
    assert.equal(d.state, 'pending');
    assert.equal(d.lastStatus, 500);
    assert.equal(d.nextAttemptAt, h.clock.now() + 5000, 'first retry within 10 s');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(hook.received.length, 1, 'nothing before the retry is due');
    h.clock.advance(5000);
    await hook.waitFor(2);
    await until(async () => (await only(h)).attempts === 2, 'the second failure recorded');
    assert.equal((await only(h)).nextAttemptAt, h.clock.now() + 30_000);
    h.clock.advance(30_000);
    await hook.waitFor(3);
    await until(async () => (await only(h)).state === 'delivered', 'delivery');
    d = await only(h);
    assert.equal(d.attempts, 3);
    assert.equal(d.lastStatus, 200);
    const ids = new Set(hook.received.map((r) => r.headers[deliveryHeader]));
    assert.equal(ids.size, 1, 'one delivery id across retries, so receivers can de-duplicate');
    assert.equal(new Set(hook.received.map((r) => r.body)).size, 1);
  } finally {
    await h.close();
    await hook.close();
  }
});

test('after the schedule is used up a delivery is dead; the CLI lists it and queues it again', async () => {
  const { h, hook, key } = await setup({ ROLLCALL_WEBHOOK_ALLOW_PRIVATE: 'true', ROLLCALL_WEBHOOK_RETRY_SCHEDULE: '1s' });
  try {
    hook.answers = [500, 500];
    await bulkClient(h, key).post('/cdapi/v2/data_requests/employee_clean/id_file', { ids: [data.clean[1]!['id']], webhook_url: hook.url });
    await until(async () => (await only(h)).attempts === 1, 'first attempt');
    h.clock.advance(1000);
    await until(async () => (await only(h)).state === 'dead', 'dead letter');
    const dead = await only(h);
    assert.equal(dead.attempts, 2);
    assert.match(String(dead.lastError), /500/);
    const out: string[] = [];
    const io = { out: (s: string) => void out.push(s), err: (s: string) => void out.push(s), isTTY: false };
    assert.equal(await runCli(['webhooks', 'list', ...h.storeArgs, '--state', 'dead', '--json'], io), 0);
    assert.deepEqual((JSON.parse(out[0]!) as Delivery[]).map((d) => d.id), [dead.id]);
    assert.equal(await runCli(['webhooks', 'retry', ...h.storeArgs, dead.id], io), 0);
    h.clock.ms = Date.now() + 1000; // the CLI queued it on the system clock
    await until(async () => (await only(h)).state === 'delivered', 'delivery after the retry');
    assert.equal(hook.received.length, 3);
    assert.equal(await runCli(['webhooks', 'retry', ...h.storeArgs, dead.id], io), 1, 'only dead deliveries can be retried');
  } finally {
    await h.close();
    await hook.close();
  }
});

test('a queued delivery survives a restart and is sent by the next process', async () => {
  const { h, hook, keyId } = await setup({ ROLLCALL_WEBHOOK_ALLOW_PRIVATE: 'true' });
  await h.workers!.stop();
  const id = randomUUID();
  await h.rt.store.outbox.enqueue({ id, keyId, url: hook.url, body: '{"request_id":"x"}', topic: 'data_request', ref: null }, h.clock.now());
  await h.rt.store.close();
  const config = loadConfig({ ROLLCALL_LOG_LEVEL: 'silent', ROLLCALL_WEBHOOK_ALLOW_PRIVATE: 'true', ROLLCALL_JOB_POLL_MS: '20' }, { dataDir: h.dir, databaseUrl: h.config.databaseUrl ?? undefined });
  const rt = await openRuntime(config);
  const workers = new Workers({ ...rt, log: (m, e) => console.error(m, e) });
  try {
    workers.start();
    const [got] = await hook.waitFor(1);
    assert.equal(got!.headers[deliveryHeader], id);
    await until(async () => (await rt.store.outbox.get(id))?.state === 'delivered', 'delivered state');
  } finally {
    await workers.stop();
    await rt.store.close();
    await hook.close();
    await h.close().catch(() => undefined);
  }
});

test('SSRF guard: private targets are refused at request time (literal) and at delivery time (resolved)', async () => {
  const fakeDns = { lookup: async () => [{ address: '127.0.0.1', family: 4 }] };
  const { h, hook, key } = await setup({ ROLLCALL_WEBHOOK_RETRY_SCHEDULE: '1s' }, fakeDns);
  try {
    const c = bulkClient(h, key);
    for (const url of [hook.url, 'http://localhost:9/x', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:8080/', 'http://10.1.2.3/hook']) {
      const res = await c.post('/cdapi/v2/data_requests/employee_clean/id_file', { ids: [data.clean[2]!['id']], webhook_url: url });
      assert.equal(res.statusCode, 422, url);
      assert.equal(res.json().detail[0].loc[1], 'webhook_url');
      assert.match(res.json().detail[0].msg, /refused/);
    }
    // A hostname that resolves to loopback passes the request check but is never connected to.
    const res = await c.post('/cdapi/v2/data_requests/employee_clean/id_file', { ids: [data.clean[2]!['id']], webhook_url: 'http://hooks.example.test/bulk' });
    assert.equal(res.statusCode, 201);
    await until(async () => (await h.rt.store.outbox.list(null, 10)).some((d) => d.attempts > 0), 'a delivery attempt');
    const d = await only(h);
    assert.match(String(d.lastError), /resolves to 127\.0\.0\.1, which is refused/);
    assert.equal(d.lastStatus, null);
    assert.equal(hook.received.length, 0);
  } finally {
    await h.close();
    await hook.close();
  }
});
