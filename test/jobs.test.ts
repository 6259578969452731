// The job runner over the real data-request queue: start and stop are idempotent, stop hands a
// running job back (not counted as an attempt), and an expired lease lets another worker take over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobRunner, type Lease } from '../src/jobs/job-runner.js';
import type { DataRequest } from '../src/store/store.js';
import { makeHarness } from './helpers/harness.js';

test('start/stop twice; stop hands the running job back; a lost lease moves the job to another owner', async () => {
  const h = await makeHarness();
  try {
    const { key_id: keyId } = await h.key();
    const store = h.rt.store.dataRequests;
    await store.create({ id: '00000000-0000-4000-8000-000000000001', keyId, api: 'v2', dataset: 'employee_clean', kind: 'ids', input: '[1]', fingerprint: 'f1', webhookUrl: null, limit: null, createdAt: new Date(h.clock.now()).toISOString() });
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const seen: string[] = [];
    const runner = new JobRunner<DataRequest>(
      {
        claim: () => store.claim('worker-a', 10_000, h.clock.now()),
        renew: (job) => store.renew(job.id, 'worker-a', 10_000, h.clock.now()),
        release: (job) => store.release(job.id, 'worker-a'),
      },
      async (job, lease: Lease) => {
        seen.push(job.id);
        started();
        // Works until told to stop, checking its lease the way the export does.
        for (;;) {
          await lease.keep();
          await new Promise((r) => setTimeout(r, 5));
        }
      },
      { pollMs: 10, leaseMs: 10_000, concurrency: 1, onError: (e) => assert.fail(String(e)) },
    );
    runner.start();
    runner.start();
    await running;
    assert.equal((await store.get('00000000-0000-4000-8000-000000000001'))!.state, 'running');
    await Promise.all([runner.stop(), runner.stop()]);
    await runner.stop();
    const back = (await store.get('00000000-0000-4000-8000-000000000001'))!;
    assert.equal(back.state, 'queued', 'handed back');
    assert.equal(back.attempts, 0, 'a stop is not a failed attempt');
    assert.deepEqual(seen, ['00000000-0000-4000-8000-000000000001']);

    // Claimed by A, then A goes silent: B gets it only once A's lease has run out.
    const a = await store.claim('worker-a', 1000, h.clock.now());
    assert.equal(a!.attempts, 1);
    assert.equal(await store.claim('worker-b', 1000, h.clock.now()), null);
    h.clock.advance(1001);
    const b = await store.claim('worker-b', 1000, h.clock.now());
    assert.equal(b!.id, a!.id);
    assert.equal(b!.attempts, 2);
    assert.equal(await store.renew(a!.id, 'worker-a', 1000, h.clock.now()), false, 'A learns it lost the job');
    assert.equal(await store.finish(a!.id, 'worker-a', { state: 'empty' }, null, new Date(h.clock.now()).toISOString()), 'lease_lost');
    assert.equal(await store.finish(a!.id, 'worker-b', { state: 'empty' }, null, new Date(h.clock.now()).toISOString()), 'finished');
  } finally {
    await h.close();
  }
});

test('bulk endpoints have their own rate-limit groups', async () => {
  const h = await makeHarness({ ROLLCALL_RATE_LIMIT_BULK: '2', ROLLCALL_RATE_LIMIT_BULK_FILES: '1' });
  try {
    const { api_key: apikey } = await h.key();
    const post = () => h.app.inject({ method: 'POST', url: '/cdapi/v2/data_requests/employee_clean/id_file', headers: { apikey }, payload: { ids: [Math.floor(Math.random() * 1e9)] } });
    assert.equal((await post()).statusCode, 201);
    assert.equal((await post()).statusCode, 201);
    const limited = await post();
    assert.equal(limited.statusCode, 429);
    assert.deepEqual(limited.json(), { message: 'API rate limit exceeded' });
    const files = () => h.app.inject({ method: 'GET', url: '/cdapi/v2/data_requests/00000000-0000-4000-8000-000000000000/files', headers: { apikey } });
    assert.equal((await files()).statusCode, 404);
    assert.equal((await files()).statusCode, 429);
  } finally {
    await h.close();
  }
});
