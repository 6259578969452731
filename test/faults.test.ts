// Faults survived: a disk that fills up during an import, an import killed with SIGKILL, and a
// PostgreSQL server that restarts under traffic. Each leaves a consistent store, a clear message
// or a 503 (never a 500), and no credit charged for an answer that was not a 200.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { tempDir } from './helpers/harness.js';
import { testStore, testStoreAt, type TestStoreLocation } from './helpers/pg-database.js';
import { httpsGet, httpsPost, rollcallBin, startServer } from './helpers/processes.js';

const env = { ...process.env, ROLLCALL_LOG_LEVEL: 'silent' };
const cli = (args: string[]) => spawnSync(process.execPath, [rollcallBin, ...args], { encoding: 'utf8', env });
const people = 3000;

function generate(dir: string, n: number): { file: string; records: Map<number, string> } {
  const gen = cli(['generate', '--people', String(n), '--seed', '6', '--out', dir]);
  assert.equal(gen.status, 0, gen.stderr);
  const file = join(dir, 'employee_clean.jsonl.gz');
  const records = new Map<number, string>();
  for (const line of gunzipSync(readFileSync(file)).toString().trim().split('\n')) records.set((JSON.parse(line) as { id: number }).id, line);
  return { file, records };
}

/** Serves the store and checks it holds exactly `records`: the search total, and sample records byte for byte. */
async function assertComplete(at: TestStoreLocation, dataDir: string, records: Map<number, string>): Promise<void> {
  const key = (JSON.parse(cli(['keys', 'create', ...at.args, '--json']).stdout) as { api_key: string }).api_key;
  const server = await startServer(at.args);
  try {
    const ca = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
    const all = await httpsPost(`${server.baseUrl}/v2/employee_clean/search/es_dsl?items_per_page=1`, { apikey: key }, ca, { query: { match_all: {} } });
    assert.equal(all.status, 200, all.body);
    assert.equal(all.headers['x-total-results'], String(records.size));
    const ids = [...records.keys()];
    for (const id of [ids[0]!, ids[999]!, ids[1000]!, ids[ids.length - 1]!]) {
      const got = await httpsGet(`${server.baseUrl}/v2/employee_clean/collect/${id}`, { apikey: key }, ca);
      assert.equal(got.status, 200, got.body);
      assert.deepEqual(JSON.parse(got.body), JSON.parse(records.get(id)!));
    }
  } finally {
    await server.stop();
  }
}

const importArgs = (at: TestStoreLocation, file: string): string[] => [rollcallBin, 'import', ...at.args, '--dataset', 'employee_clean', file];

test('the disk fills up during an import: a clear message, what was committed is kept, the same import run again completes', { skip: testStore() === 'postgres' ? "a PostgreSQL store's disk is the database server's (its disk_full error maps to the same message and 503)" : false }, async () => {
  const dir = await tempDir('rollcall-diskfull-');
  try {
    const { file, records } = generate(join(dir, 'gen'), people);
    // How big the store gets, to set the file size limit at three quarters of it.
    const full = await testStoreAt(join(dir, 'measure'));
    assert.equal(cli(['import', ...full.args, '--dataset', 'employee_clean', file]).status, 0);
    const size = statSync(join(dir, 'measure', 'store', 'records.db')).size;
    const at = await testStoreAt(join(dir, 'data'));
    // A file size limit (RLIMIT_FSIZE) stands in for a full disk: writes past it fail with EFBIG,
    // which SQLite reports as it reports ENOSPC. SIGXFSZ is ignored so the write fails instead of
    // killing the process.
    const limitedKb = Math.floor((size * 0.75) / 1024);
    const limited = spawnSync('/bin/sh', ['-c', `trap '' XFSZ; ulimit -f ${limitedKb}; exec "$@"`, 'sh', process.execPath, ...importArgs(at, file)], { encoding: 'utf8', env });
    assert.equal(limited.status, 1, limited.stderr);
    assert.match(limited.stderr, /^rollcall: import of .* stopped: the disk is full \(or a file size limit was reached\)/);
    assert.match(limited.stderr, /Records committed before this point are kept and searchable; nothing is half-written\. Fix the cause and run the same import again/);
    assert.doesNotMatch(limited.stderr, /\n\s+at /, 'no stack trace');
    const again = cli(['import', ...at.args, '--dataset', 'employee_clean', file]);
    assert.equal(again.status, 0, again.stderr);
    const changed = Number(/(\d+) changes recorded/.exec(again.stdout)![1]);
    assert.ok(changed > 0 && changed <= people, again.stdout);
    await assertComplete(at, join(dir, 'data'), records);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an import killed with SIGKILL half-way: the store opens, and the same import run again completes it', async () => {
  const dir = await tempDir('rollcall-killed-import-');
  const at = await testStoreAt(join(dir, 'data'));
  try {
    const { file, records } = generate(join(dir, 'gen'), people);
    const child = spawn(process.execPath, importArgs(at, file), { stdio: 'ignore', env });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL', 'the import was still running when killed');
    const again = cli(['import', ...at.args, '--dataset', 'employee_clean', file]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`imported ${people} employee_clean records, rejected 0, \\d+ changes recorded`));
    await assertComplete(at, join(dir, 'data'), records);
  } finally {
    await at.drop();
    await rm(dir, { recursive: true, force: true });
  }
});

interface TestPostgres {
  readonly url: string;
  stop(): Promise<void>;
  restart(mode?: 'fast' | 'immediate', downMs?: number): Promise<void>;
}

test('PostgreSQL restarts under collect and search traffic: 200s or 503s with Retry-After, never a 500, a credit only per 200, and service resumes', { skip: testStore() !== 'postgres' ? 'runs in the PostgreSQL pass (it starts a PostgreSQL server of its own to restart)' : false }, async () => {
  const script = pathToFileURL(join(rollcallBin, '..', '..', 'scripts', 'test-postgres.mjs')).href;
  const { startTestPostgres } = (await import(script)) as { startTestPostgres(o: { log: (m: string) => void }): Promise<TestPostgres> };
  const pg = await startTestPostgres({ log: () => undefined });
  const dir = await tempDir('rollcall-pg-restart-');
  try {
    const args = ['--data-dir', dir, '--database-url', pg.url];
    const { file } = generate(join(dir, 'gen'), 200);
    assert.equal(cli(['import', ...args, '--dataset', 'employee_clean', file]).status, 0);
    const credits = 100_000;
    const key = (JSON.parse(cli(['keys', 'create', ...args, '--collect-credits', String(credits), '--search-credits', String(credits), '--json']).stdout) as { api_key: string }).api_key;
    const server = await startServer(args, { ROLLCALL_RATE_LIMIT_COLLECT: '0', ROLLCALL_RATE_LIMIT_SEARCH: '0', ROLLCALL_SERVER_WORKER: 'false' });
    try {
      const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
      const h = { apikey: key };
      const answers: { at: number; kind: 'collect' | 'search'; status: number; body: string; retryAfter: unknown }[] = [];
      let restarted = Infinity;
      let stop = false;
      const loop = async (kind: 'collect' | 'search', n: number): Promise<void> => {
        for (let i = n; !stop; i += 7) {
          const res = kind === 'collect'
            ? await httpsGet(`${server.baseUrl}/v2/employee_clean/collect/${100000001 + (i % 200)}`, h, ca)
            : await httpsPost(`${server.baseUrl}/v2/employee_clean/search/es_dsl?items_per_page=5`, h, ca, { query: { match: { job_title: 'engineer' } } });
          answers.push({ at: Date.now(), kind, status: res.status, body: res.body, retryAfter: res.headers['retry-after'] });
        }
      };
      const loops = [loop('collect', 0), loop('collect', 1), loop('collect', 2), loop('search', 0)];
      await new Promise((r) => setTimeout(r, 1000));
      await pg.restart('fast', 1500);
      restarted = Date.now();
      await new Promise((r) => setTimeout(r, 3000));
      stop = true;
      await Promise.all(loops);

      const statuses = new Map<number, number>();
      for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      for (const a of answers) {
        assert.ok(a.status === 200 || a.status === 503, `${a.kind} answered ${a.status} ${a.body}`);
        if (a.status === 503) {
          assert.deepEqual(JSON.parse(a.body), { detail: 'Service temporarily unavailable' });
          assert.ok(a.retryAfter !== undefined, 'a 503 says when to come back');
        }
      }
      assert.ok((statuses.get(503) ?? 0) > 0, `the restart was felt: ${JSON.stringify([...statuses])}`);
      // Service resumes: the last second is all 200s.
      const last = answers.filter((a) => a.at > restarted + 2000);
      assert.ok(last.length > 0 && last.every((a) => a.status === 200), JSON.stringify(last.filter((a) => a.status !== 200).slice(0, 3)));
      // Exactly one credit per 200, on each pool.
      const collected = answers.filter((a) => a.kind === 'collect' && a.status === 200).length;
      const found = answers.filter((a) => a.kind === 'search' && a.status === 200).length;
      const check = await httpsGet(`${server.baseUrl}/v2/employee_clean/collect/100000001`, h, ca);
      assert.equal(check.headers['x-credits-remaining'], String(credits - collected - 1));
      const search = await httpsPost(`${server.baseUrl}/v2/employee_clean/search/es_dsl?items_per_page=1`, h, ca, { query: { match_all: {} } });
      assert.equal(search.headers['x-credits-remaining'], String(credits - found - 1));
    } finally {
      await server.stop();
    }
  } finally {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
