// The README walk-through, for real: generate two snapshots, import the first, run the server,
// subscribe over HTTPS, import the second with the CLI beside the running server. The receiver
// fails the first delivery, the server is killed (-9) and restarted, and the retry brings exactly
// the subscribed people whose experience changed, once, signed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { changedPeopleBetween } from '../src/generator/people-generator.js';
import { openRuntime } from '../src/runtime.js';
import { verifyWebhook, signatureHeader, deliveryHeader } from '../src/webhooks/webhook-signature.js';
import { tempDir } from './helpers/harness.js';
import { testStoreAt, type TestStoreLocation } from './helpers/pg-database.js';
import { cli, httpsPost, startServer } from './helpers/processes.js';
import { startReceiver } from './helpers/receiver.js';

async function outboxAttempts(at: TestStoreLocation): Promise<number> {
  const rt = await openRuntime(loadConfig({}, at.overrides));
  try {
    return (await rt.store.outbox.list(null, 10)).reduce((n, d) => n + d.attempts, 0);
  } finally {
    await rt.store.close();
  }
}

test('walk-through: snapshot 1 imported beside a running server notifies the subscribed people who changed jobs, once, across a failure and a kill -9', async () => {
  const dir = await tempDir('rollcall-walk-');
  const data = join(dir, 'data');
  const at = await testStoreAt(data);
  const people = 400;
  const seed = 8;
  cli('generate', '--people', String(people), '--seed', String(seed), '--snapshot', '0', '--out', join(dir, 's0'));
  cli('generate', '--people', String(people), '--seed', String(seed), '--snapshot', '1', '--out', join(dir, 's1'));
  cli('import', ...at.args, '--dataset', 'employee_clean', join(dir, 's0', 'employee_clean.jsonl.gz'));
  const key = JSON.parse(cli('keys', 'create', ...at.args, '--json')) as { key_id: string; api_key: string };
  const secret = cli('keys', 'webhook-secret', ...at.args, key.key_id).trim();

  const changed = [...changedPeopleBetween(seed, people, 0, 1)];
  const unchanged = Array.from({ length: people }, (_, i) => 100_000_001 + i).filter((id) => !changed.includes(id));
  const subscribed = [...changed.slice(0, 3), ...unchanged.slice(0, 3)];
  const hook = await startReceiver();
  // As the README's walk-through: only the receiver's own address and port are opened.
  const env = {
    ROLLCALL_WEBHOOK_ALLOW_LIST: `127.0.0.1:${new URL(hook.url).port}`, ROLLCALL_JOB_POLL_MS: '100', ROLLCALL_SUBSCRIPTION_QUIET_MS: '300',
    ROLLCALL_WEBHOOK_RETRY_SCHEDULE: '1s', ROLLCALL_WEBHOOK_TIMEOUT_MS: '2000',
  };
  hook.answers = [500];
  let server = await startServer(at.args, env);
  try {
    const ca = readFileSync(join(data, 'tls', 'cert.pem'), 'utf8');
    const res = await httpsPost(`${server.baseUrl}/v2/subscriptions/experience_changes/employee_clean/ids`, { apikey: key.api_key }, ca, { webhook_url: hook.url, ids: subscribed });
    assert.equal(res.status, 200, res.body);

    cli('import', ...at.args, '--dataset', 'employee_clean', join(dir, 's1', 'employee_clean.jsonl.gz'));
    // Delivered by the running server, without a restart (waitFor fails after 15 s).
    const [first] = await hook.waitFor(1, 15_000);
    // The failed attempt is on record; then the server dies before the retry.
    const deadline = Date.now() + 10_000;
    while ((await outboxAttempts(at)) < 1) {
      if (Date.now() > deadline) throw new Error('the failed attempt was never recorded');
      await new Promise((r) => setTimeout(r, 50));
    }
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));
    server = await startServer(at.args, env);
    const [, retry] = await hook.waitFor(2, 15_000);
    assert.equal(retry!.headers[deliveryHeader], first!.headers[deliveryHeader], 'the same delivery, retried');
    const items = JSON.parse(retry!.body) as { member_id: number; status: string }[];
    assert.deepEqual(items.map((i) => i.member_id).sort(), changed.slice(0, 3).sort());
    assert.ok(items.every((i) => i.status === 'changed'));
    assert.ok(verifyWebhook(secret, String(retry!.headers[signatureHeader]), retry!.body, Date.now() / 1000));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(hook.received.length, 2, 'delivered once after its one failure');
  } finally {
    if (server.child.exitCode === null) await server.stop();
    await hook.close();
    await at.drop();
  }
});
