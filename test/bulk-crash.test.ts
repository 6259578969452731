// A data request survives kill -9 at any point: of the server that runs it, or of a separate
// `rollcall worker`. After the restart (or another worker's takeover) the files hold exactly the
// requested records, each once, and the key is charged exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadConfig } from '../src/config/config.js';
import { createKey } from '../src/domain/keys.js';
import { importFile } from '../src/ingest/import-file.js';
import { openRuntime } from '../src/runtime.js';
import { people, tempDir } from './helpers/harness.js';
import { testStoreAt, type TestStoreLocation } from './helpers/pg-database.js';
import { httpsGetBuffer, httpsPost, startServer, startWorker, type Server } from './helpers/processes.js';
import { startReceiver } from './helpers/receiver.js';

const records = people(120, 21).clean;
const env = {
  ROLLCALL_BULK_PART_RECORDS: '10',
  ROLLCALL_BULK_PART_PAUSE_MS: '150',
  ROLLCALL_JOB_LEASE_MS: '1500',
  ROLLCALL_JOB_POLL_MS: '50',
  ROLLCALL_WEBHOOK_ALLOW_PRIVATE: 'true',
};

async function prepare(): Promise<{ dir: string; at: TestStoreLocation; apiKey: string; keyId: string }> {
  const dir = await tempDir('rollcall-crash-');
  const at = await testStoreAt(dir);
  const file = join(dir, 'clean.jsonl');
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const rt = await openRuntime(loadConfig({}, at.overrides));
  try {
    await importFile(rt.store, rt.datasets.employee_clean, file);
    const key = await createKey(rt, { searchCredits: 10, collectCredits: 1000 });
    return { dir, at, apiKey: key.api_key, keyId: key.key_id };
  } finally {
    await rt.store.close();
  }
}


/** Waits until the job has committed at least `n` part files, i.e. is truly mid-way. */
async function partsOnDisk(dir: string, id: string, n: number): Promise<void> {
  const json = join(dir, 'files', 'data_requests', id, 'json');
  const deadline = Date.now() + 20_000;
  for (;;) {
    const done = existsSync(json) ? readdirSync(json).filter((f) => f.endsWith('.json.gz')).length : 0;
    if (done >= n) return;
    if (Date.now() > deadline) throw new Error('the job never got going');
    await new Promise((r) => setTimeout(r, 10));
  }
}


function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** The request's state and charges as the store has them (read while no server holds it busy). */
async function storeView(at: TestStoreLocation, id: string, keyId: string) {
  const rt = await openRuntime(loadConfig({}, at.overrides));
  try {
    const request = await rt.store.dataRequests.get(id);
    const charges = (await rt.store.credits.ledger(keyId)).filter((e) => e.reason === 'bulk_collect');
    return { state: request?.state, charges: charges.map((e) => e.delta), balance: await rt.store.credits.balance(keyId, 'collect') };
  } finally {
    await rt.store.close();
  }
}

/** Polls the files list over HTTPS, downloads every part, checks it is exactly `ids` once each. */
async function verify(server: Server, dir: string, id: string, apiKey: string, ids: readonly number[]): Promise<string[]> {
  const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
  const deadline = Date.now() + 30_000;
  let names: string[] = [];
  for (;;) {
    const res = await httpsGetBuffer(`${server.baseUrl}/v2/data_requests/${id}/files`, { apikey: apiKey }, ca);
    if (res.status === 200) {
      names = JSON.parse(res.body.toString()).data_request_files;
      break;
    }
    assert.equal(res.status, 202, res.body.toString());
    if (Date.now() > deadline) throw new Error('request did not finish after the restart');
    await new Promise((r) => setTimeout(r, 100));
  }
  const delivered: Record<string, unknown>[] = [];
  for (const name of names) {
    const file = await httpsGetBuffer(`${server.baseUrl}/v2/data_requests/${id}/files/${name}`, { apikey: apiKey }, ca);
    assert.equal(file.status, 200);
    for (const line of gunzipSync(file.body).toString().split('\n')) if (line) delivered.push(JSON.parse(line));
  }
  assert.deepEqual(delivered.map((r) => r['id']), ids, 'exactly the requested records, in order, each once');
  const byId = new Map(records.map((r) => [r['id'], r]));
  for (const r of delivered) assert.deepEqual(r, byId.get(r['id']));
  const onDisk = readdirSync(join(dir, 'files', 'data_requests', id, 'json')).map((f) => `json/${f}`).sort();
  assert.deepEqual(onDisk, [...names].sort(), 'no part files of the killed attempt left behind');
  return names;
}

test('kill -9 of the server mid-export: after a restart the files and the charge are exact', async () => {
  const { dir, at, apiKey, keyId } = await prepare();
  const hook = await startReceiver();
  const ids = records.slice(0, 100).map((r) => r['id'] as number);
  let server = await startServer(at.args, env);
  try {
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const res = await httpsPost(`${server.baseUrl}/v2/data_requests/employee_clean/id_file`, { apikey: apiKey }, ca, { ids, webhook_url: hook.url });
    assert.equal(res.status, 201, res.body);
    const id = JSON.parse(res.body).request_id as string;
    await partsOnDisk(dir, id, 2);
    await killed(server.child);
    assert.deepEqual(await storeView(at, id, keyId), { state: 'running', charges: [], balance: 1000 }, 'nothing charged mid-way');
    server = await startServer(at.args, env);
    const names = await verify(server, dir, id, apiKey, ids);
    assert.equal(names.length, 10);
    const [delivery] = await hook.waitFor(1);
    assert.deepEqual(JSON.parse(delivery!.body), { request_id: id, status: 'completed', data_request_files: names, detail: null });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(hook.received.length, 1, 'one completion webhook');
    assert.equal(await server.stop(), 0);
    assert.deepEqual(await storeView(at, id, keyId), { state: 'completed', charges: [-100], balance: 900 });
  } finally {
    if (server.child.exitCode === null) await server.stop();
    await hook.close();
    await at.drop();
  }
});

test('kill -9 of a separate worker mid-export: another worker takes the job over when its lease runs out', async () => {
  const { dir, at, apiKey, keyId } = await prepare();
  const server = await startServer(at.args, { ...env, ROLLCALL_SERVER_WORKER: 'false' });
  let second: ChildProcess | null = null;
  try {
    const first = await startWorker(at.args, env);
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const ids = records.slice(20, 110).map((r) => r['id'] as number);
    const res = await httpsPost(`${server.baseUrl}/v2/data_requests/employee_clean/id_file`, { apikey: apiKey }, ca, { ids });
    assert.equal(res.status, 201, res.body);
    const id = JSON.parse(res.body).request_id as string;
    await partsOnDisk(dir, id, 2);
    await killed(first);
    second = await startWorker(at.args, env);
    await verify(server, dir, id, apiKey, ids);
    const stopped = new Promise<number | null>((resolve) => second!.once('exit', resolve));
    second.kill('SIGTERM');
    assert.equal(await stopped, 0, 'a worker stops cleanly on SIGTERM');
    assert.equal(await server.stop(), 0);
    assert.deepEqual(await storeView(at, id, keyId), { state: 'completed', charges: [-90], balance: 910 });
  } finally {
    if (second && second.exitCode === null) second.kill('SIGKILL');
    if (server.child.exitCode === null) await server.stop();
    await at.drop();
  }
});
