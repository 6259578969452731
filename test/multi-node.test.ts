// Scale-out end to end: two `rollcall serve` nodes and two `rollcall worker` processes on one
// PostgreSQL database. Collects spread over both nodes charge a small balance exactly; a bulk
// request whose worker is killed (-9) mid-job is finished by the other worker with exact files
// and one charge; subscription changes are delivered once each although both workers notify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { createKey } from '../src/domain/keys.js';
import { importFile } from '../src/ingest/import-file.js';
import { openRuntime } from '../src/runtime.js';
import { people, tempDir } from './helpers/harness.js';
import { createTestDatabase } from './helpers/pg-database.js';
import { httpsGet, httpsGetBuffer, httpsPost, rollcallBin, startServer, startWorker, type Server } from './helpers/processes.js';
import { startReceiver } from './helpers/receiver.js';

const records = people(120, 31).clean;



test('two API nodes and two workers on one PostgreSQL database: exact charges, a killed worker\'s job finished once, notifications once', async () => {
  const db = await createTestDatabase();
  const dir = await tempDir('rollcall-nodes-');
  const store = ['--data-dir', dir, '--database-url', db.url];
  const file = join(dir, 'clean.jsonl');
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const rt = await openRuntime(loadConfig({}, { dataDir: dir, databaseUrl: db.url }));
  const collector = await createKey(rt, { searchCredits: 0, collectCredits: 40, rateLimits: { collect: { limit: 0, windowMs: 1000 } } });
  const exporter = await createKey(rt, { searchCredits: 10, collectCredits: 1000 });
  try {
    await importFile(rt.store, rt.datasets.employee_clean, file);
  } finally {
    await rt.store.close();
  }
  const env = {
    ROLLCALL_SERVER_WORKER: 'false', ROLLCALL_JOB_POLL_MS: '50', ROLLCALL_JOB_LEASE_MS: '1500',
    ROLLCALL_BULK_PART_RECORDS: '10', ROLLCALL_BULK_PART_PAUSE_MS: '150', ROLLCALL_WEBHOOK_ALLOW_PRIVATE: 'true', ROLLCALL_SUBSCRIPTION_QUIET_MS: '300',
  };
  const nodes: Server[] = [];
  const workers: ChildProcess[] = [];
  const hook = await startReceiver();
  try {
    nodes.push(await startServer(store, env)); // the first node writes the shared TLS certificate
    nodes.push(await startServer(store, env));
    workers.push(await startWorker(store, env), await startWorker(store, env));
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');

    // 1. 100 collects over both nodes at once against 40 credits.
    const ids = records.map((r) => r['id'] as number);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) =>
      httpsGet(`${nodes[i % 2]!.baseUrl}/v2/employee_clean/collect/${ids[i % ids.length]}`, { apikey: collector.api_key }, ca)));
    assert.equal(results.filter((r) => r.status === 200).length, 40);
    assert.equal(results.filter((r) => r.status === 402).length, 60);
    const seen = results.filter((r) => r.status === 200).map((r) => Number(r.headers['x-credits-remaining'])).sort((a, b) => a - b);
    assert.deepEqual(seen, Array.from({ length: 40 }, (_, i) => i), 'every remaining balance reported once');

    // 2. A bulk request; the worker holding it is killed mid-job; the other one finishes it.
    const wanted = ids.slice(0, 100);
    const posted = await httpsPost(`${nodes[0]!.baseUrl}/v2/data_requests/employee_clean/id_file`, { apikey: exporter.api_key }, ca, { ids: wanted });
    assert.equal(posted.status, 201, posted.body);
    const requestId = JSON.parse(posted.body).request_id as string;
    const partsDir = join(dir, 'files', 'data_requests', requestId, 'json');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const deadline = Date.now() + 20_000;
      while (!existsSync(partsDir) || readdirSync(partsDir).filter((f) => f.endsWith('.json.gz')).length < 2) {
        if (Date.now() > deadline) throw new Error('the export never got going');
        await new Promise((r) => setTimeout(r, 10));
      }
      const owner = (await client.query<{ lease_owner: string }>('SELECT lease_owner FROM data_requests WHERE id = $1', [requestId])).rows[0]!.lease_owner;
      const victim = workers.find((w) => owner.includes(`:${w.pid}:`))!;
      assert.ok(victim, `a worker holds the job (${owner})`);
      await new Promise((resolve) => { victim.once('exit', resolve); victim.kill('SIGKILL'); });
      let names: string[] = [];
      for (;;) {
        const res = await httpsGetBuffer(`${nodes[1]!.baseUrl}/v2/data_requests/${requestId}/files`, { apikey: exporter.api_key }, ca);
        if (res.status === 200) {
          names = JSON.parse(res.body.toString()).data_request_files;
          break;
        }
        assert.equal(res.status, 202);
        if (Date.now() > deadline + 20_000) throw new Error('the other worker never finished the job');
        await new Promise((r) => setTimeout(r, 100));
      }
      const delivered: number[] = [];
      for (const name of names) {
        const part = await httpsGetBuffer(`${nodes[1]!.baseUrl}/v2/data_requests/${requestId}/files/${name}`, { apikey: exporter.api_key }, ca);
        for (const line of gunzipSync(part.body).toString().split('\n')) if (line) delivered.push(JSON.parse(line).id);
      }
      assert.deepEqual(delivered, wanted, 'exact files: every requested record once, in order');
      const charges = (await client.query<{ delta: string }>("SELECT delta FROM credit_ledger WHERE key_id = $1 AND reason = 'bulk_collect'", [exporter.key_id])).rows;
      assert.deepEqual(charges.map((c) => Number(c.delta)), [-100], 'charged once');

      // 3. Subscriptions: both remaining/restarted workers notify; each change arrives once.
      workers.push(await startWorker(store, env));
      const sub = await httpsPost(`${nodes[1]!.baseUrl}/v2/subscriptions/experience_changes/employee_clean/all`, { apikey: exporter.api_key }, ca, { webhook_url: hook.url });
      assert.equal(sub.status, 200, sub.body);
      const leaving = records.slice(0, 30).filter((r) => (r['experience'] as { date_to: unknown }[]).some((e) => e.date_to === null));
      const changedFile = join(dir, 'changed.jsonl');
      writeFileSync(changedFile, leaving.map((r) => JSON.stringify({ ...r, experience: [] })).join('\n') + '\n');
      const imported = spawnSync(process.execPath, [rollcallBin, 'import', ...store, '--dataset', 'employee_clean', changedFile], { encoding: 'utf8' });
      assert.equal(imported.status, 0, imported.stderr);
      await hook.waitFor(1, 15_000);
      await new Promise((r) => setTimeout(r, 1500));
      const items = hook.received.flatMap((r) => JSON.parse(r.body) as { member_id: number }[]).map((i) => i.member_id).sort();
      assert.deepEqual(items, leaving.map((r) => r['id'] as number).sort(), 'each change once');
    } finally {
      await client.end();
    }
  } finally {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
    for (const n of nodes) if (n.child.exitCode === null) await n.stop();
    await hook.close();
    await db.drop();
  }
});
