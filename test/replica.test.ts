// Reads from a PostgreSQL streaming replica, end to end: a primary and a replica of its own
// (pg_basebackup), two API nodes reading from the replica and a worker on the primary. Searches
// and collects land on the replica with exact charges on the primary; a bulk export made through
// one node downloads through the other; the replica stopped mid-traffic costs clients nothing
// (reads fall back to the primary) and is used again once back; a primary restart answers only
// 200s and 503s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { existsSync, readFileSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { tempDir } from './helpers/harness.js';
import { testStore } from './helpers/pg-database.js';
import { cli, httpsGet, httpsGetBuffer, httpsPost, rollcallBin, startServer, startWorker, type Response } from './helpers/processes.js';

interface Replica { readonly url: string; stop(): Promise<void>; start(): Promise<void> }
interface TestPostgres {
  readonly url: string;
  stop(): Promise<void>;
  restart(mode?: 'fast' | 'immediate', downMs?: number): Promise<void>;
  addReplica(): Promise<Replica>;
}

const people = 120;
/** A connection per request: a kept-alive socket the server is closing at that moment resets the next request on it. */
const fresh = new Agent({ keepAlive: false });

/** Scans of the records table on one server (a collect is one; health checks touch no table). */
async function recordReads(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: string }>(
      "SELECT (coalesce(sum(idx_scan), 0) + coalesce(sum(seq_scan), 0))::text AS n FROM pg_stat_user_tables WHERE relname = 'employee_clean_records'");
    return Number(rows[0]!.n);
  } finally {
    await c.end();
  }
}

/** A request that does not answer within 15 s fails the test here instead of hanging it. */
function withinTime<T>(what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within 15 s`)), 15_000);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check()); await new Promise((r) => setTimeout(r, 100))) {
    assert.ok(Date.now() < deadline, `${what}: not within ${timeoutMs} ms`);
  }
}

test('two API nodes read from a streaming replica: exact charges, a bulk export across nodes, the replica stopped and the primary restarted under traffic', { skip: testStore() !== 'postgres' ? 'runs in the PostgreSQL pass (it starts a primary and a replica of its own)' : false, timeout: 300_000 }, async () => {
  const script = pathToFileURL(join(rollcallBin, '..', '..', 'scripts', 'test-postgres.mjs')).href;
  const { startTestPostgres } = (await import(script)) as { startTestPostgres(o: { log: (m: string) => void }): Promise<TestPostgres> };
  const primary = await startTestPostgres({ log: () => undefined });
  const dir = await tempDir('rollcall-replica-');
  const stops: (() => Promise<unknown>)[] = [];
  const others: string[] = [];
  try {
    const onPrimary = ['--data-dir', dir, '--database-url', primary.url];
    cli('generate', '--people', String(people), '--seed', '9', '--out', join(dir, 'gen'));
    cli('import', ...onPrimary, '--dataset', 'employee_clean', join(dir, 'gen', 'employee_clean.jsonl.gz'));
    const credits = 10_000;
    const key = JSON.parse(cli('keys', 'create', ...onPrimary, '--search-credits', String(credits), '--collect-credits', String(credits), '--json')) as { key_id: string; api_key: string };
    const admin = { authorization: `Bearer ${(JSON.parse(cli('admin', 'create-token', ...onPrimary, '--json')) as { token: string }).token}` };
    const replica = await primary.addReplica();
    // Bulk files in the database: each node and the worker has a data dir of its own (B gets a
    // copy of A's TLS material, so one CA serves both), and a part file written by the worker
    // downloads through B.
    const onBoth = [...onPrimary, '--database-read-url', replica.url, '--file-store', 'database'];
    const env = { ROLLCALL_SERVER_WORKER: 'false', ROLLCALL_RATE_LIMIT_COLLECT: '0', ROLLCALL_RATE_LIMIT_SEARCH: '0', ROLLCALL_RATE_LIMIT_BULK_FILES: '0', ROLLCALL_REPLICA_CHECK_MS: '200', ROLLCALL_AUTH_CACHE_MS: '0' };
    const a = await startServer(onBoth, env);
    stops.push(() => a.stop());
    const dirB = await tempDir('rollcall-replica-b-');
    const dirW = await tempDir('rollcall-replica-w-');
    others.push(dirB, dirW);
    await cp(join(dir, 'tls'), join(dirB, 'tls'), { recursive: true });
    const b = await startServer([...onBoth, '--data-dir', dirB], env);
    stops.push(() => b.stop());
    const worker = await startWorker([...onPrimary, '--data-dir', dirW, '--file-store', 'database'], { ROLLCALL_JOB_POLL_MS: '100' });
    stops.push(async () => {
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));
    });
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const h = { apikey: key.api_key };
    // Each node uses the replica once its check finds it caught up, and says so.
    await until('both nodes use the replica', async () => /replica \S+ in use/.test(a.stderr()) && /replica \S+ in use/.test(b.stderr()));
    const ids = Array.from({ length: people }, (_, i) => 100_000_001 + i);
    const json = (r: Response): unknown => JSON.parse(r.body);

    // Searches and collects through both nodes run on the replica (its records table is read at
    // least once per collect, the primary's not at all), and the primary charges one credit per 200.
    const before = await recordReads(replica.url);
    const primaryBefore = await recordReads(primary.url);
    let answered = 0;
    for (let i = 0; i < 40; i++) {
      const node = i % 2 === 0 ? a : b;
      const got = await httpsGet(`${node.baseUrl}/v2/employee_clean/collect/${ids[i]}`, h, ca, fresh);
      assert.equal(got.status, 200, got.body);
      assert.equal((json(got) as { id: number }).id, ids[i]);
      const found = await httpsPost(`${node.baseUrl}/v2/employee_clean/search/es_dsl?items_per_page=10`, h, ca, { query: { match_all: {} } }, fresh);
      assert.equal(found.status, 200, found.body);
      assert.equal(found.headers['x-total-results'], String(people));
      answered += 1;
    }
    await until('the replica counts the reads', async () => (await recordReads(replica.url)) - before >= answered, 30_000);
    // (The primary's count can move a little by itself: statistics of earlier work arrive late.)
    const primaryReads = (await recordReads(primary.url)) - primaryBefore;
    assert.ok(primaryReads < answered / 4, `the collects read the replica, not the primary (${primaryReads} reads of the primary's records)`);
    const balances = (await httpsGet(`${a.baseUrl}/v2/employee_clean/collect/${ids[0]}`, h, ca, fresh)).headers;
    assert.equal(balances['x-credits-remaining'], String(credits - answered - 1));

    // A bulk export made through A, run by the worker on the primary, downloads through B.
    const made = await httpsPost(`${a.baseUrl}/v2/data_requests/employee_clean/es_dsl`, h, ca, { es_dsl_query: { query: { terms: { id: ids.slice(50, 60) } } } }, fresh);
    assert.equal(made.status, 201, made.body);
    const requestId = (json(made) as { request_id: string }).request_id;
    let files: string[] = [];
    await until('the export finishes', async () => {
      const list = await httpsGet(`${b.baseUrl}/v2/data_requests/${requestId}/files`, h, ca, fresh);
      if (list.status === 200) files = (json(list) as { data_request_files: string[] }).data_request_files;
      return files.length > 0;
    });
    const part = await httpsGetBuffer(`${b.baseUrl}/v2/data_requests/${requestId}/files/${files[0]}`, h, ca);
    assert.equal(part.status, 200);
    const delivered = gunzipSync(part.body).toString('utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id);
    assert.deepEqual(delivered.sort(), ids.slice(50, 60));
    assert.deepEqual([dir, dirB, dirW].filter((d) => existsSync(join(d, 'files'))), [], 'no node kept a part file on its disk');
    const resumed = await httpsGetBuffer(`${a.baseUrl}/v2/data_requests/${requestId}/files/${files[0]}`, { ...h, range: 'bytes=10-' }, ca);
    assert.equal(resumed.status, 206);
    assert.deepEqual(resumed.body, part.body.subarray(10), 'a range of the same file through A');

    // Traffic through both nodes while the replica stops, stays down, and comes back.
    const answers: number[] = [];
    let stop = false;
    const traffic = async (node: typeof a, offset: number): Promise<void> => {
      for (let i = offset; !stop; i += 3) {
        const res = await withinTime(`request ${i} while the replica stops and starts`, i % 2 === 0
          ? httpsGet(`${node.baseUrl}/v2/employee_clean/collect/${ids[i % people]}`, h, ca, fresh)
          : httpsPost(`${node.baseUrl}/v2/employee_clean/search/es_dsl?items_per_page=5`, h, ca, { query: { match: { job_title: 'engineer' } } }, fresh));
        answers.push(res.status);
      }
    };
    const loops = [traffic(a, 0), traffic(b, 1), traffic(a, 2)];
    await new Promise((r) => setTimeout(r, 500));
    await replica.stop();
    await new Promise((r) => setTimeout(r, 1500));
    const whileDown = answers.length;
    await replica.start();
    const back = await recordReads(replica.url);
    await until('reads return to the replica once it is back', async () => (await recordReads(replica.url)) - back >= 10);
    stop = true;
    await Promise.all(loops);
    assert.ok(whileDown > 20, `traffic kept flowing while the replica was down (${whileDown} answers)`);
    assert.deepEqual([...new Set(answers)], [200], 'every answer is a 200, through the replica stopping and starting');

    // A primary restart: only 200s and 503s (with Retry-After), and service resumes.
    const during: number[] = [];
    stop = false;
    const loops2 = [0, 1].map(async (n) => {
      for (let i = n; !stop; i += 2) during.push((await withinTime(`collect ${i} while the primary restarts`, httpsGet(`${(n === 0 ? a : b).baseUrl}/v2/employee_clean/collect/${ids[i % people]}`, h, ca, fresh))).status);
    });
    await new Promise((r) => setTimeout(r, 300));
    await primary.restart('fast', 1000);
    await until('collects succeed again after the primary restart', async () => (await withinTime('a collect after the restart', httpsGet(`${a.baseUrl}/v2/employee_clean/collect/${ids[1]}`, h, ca, fresh))).status === 200);
    stop = true;
    await Promise.all(loops2);
    assert.deepEqual([...new Set(during)].filter((s) => s !== 200 && s !== 503), [], `statuses during the restart: ${[...new Set(during)]}`);

    // The metrics say which replica is in use and how far behind it is.
    await until('the replica is in use again after the restarts', async () =>
      /^rollcall_replica_healthy\{replica="127\.0\.0\.1:\d+"\} 1$/m.test((await withinTime('GET /metrics', httpsGet(`${new URL(a.baseUrl).origin}/metrics`, admin, ca, fresh))).body));
    assert.match((await httpsGet(`${new URL(b.baseUrl).origin}/metrics`, admin, ca, fresh)).body, /^rollcall_replica_lag_seconds\{replica="127\.0\.0\.1:\d+"\} [\d.e-]+$/m);
    assert.match(a.stderr() + b.stderr(), /replica \S+ skipped/, 'the nodes said when they stopped using the replica');
    // Idle after the restarts, the replica is not taken for lagging (nothing to replay is no lag).
    const said = (a.stderr() + b.stderr()).match(/skipped \(\d+ ms behind\)/g) ?? [];
    assert.deepEqual(said, [], 'an idle, caught-up replica was reported behind');
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    await primary.stop();
    await rm(dir, { recursive: true, force: true });
    for (const d of others) await rm(d, { recursive: true, force: true });
  }
});
