// bench:stores — the embedded SQLite store and PostgreSQL side by side in one run, on the same
// generated clean people (seed 1): import, the bench:search query set over HTTPS (p50/p99 of the
// first page, exact totals compared), collect throughput through one and through two API nodes,
// and a 100,000-record bulk export. Both imports are bulk loads: import --defer-index, then index.
//
// PostgreSQL: a fresh cluster started by this bench (PostgreSQL from /usr/lib/postgresql, loopback,
// trust auth) with durable settings (fsync, synchronous_commit and full_page_writes on: the
// defaults) and memory sized for the machine; it is stopped and deleted at the end.
// SQLite: imported into a fresh data dir in the same run (BENCH_SQLITE_IMPORT=1, the default; ~19
// minutes at 1M) and the legs run on it, unless the bench:search store `.bench-data/search-<N>`
// exists, which is then used instead (reused read-mostly: a key is added and the export's files
// are deleted afterwards). BENCH_SQLITE_IMPORT=0 skips the SQLite import and needs that store.
//
//   BENCH_PEOPLE (1000000)  BENCH_RUNS per query (10)  BENCH_SECONDS per collect leg (10)
//   BENCH_SQLITE_IMPORT (1)  BENCH_QUERY_SECONDS: stop a query's runs after this much time per
//   store, at least 3 runs (60)
// The defaults are the run recorded in bench/RESULTS.md (59 minutes and 50 GB of disk at 1M).
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config/config.js';
import { createKey } from '../src/domain/keys.js';
import { openRuntime, storeDir } from '../src/runtime.js';
import { freePort, httpsGet, httpsPost, rollcallBin, startServer, type Server } from '../test/helpers/processes.js';
import { benchRoot, generatedPeople } from './bench-data.js';
import { benchQueries } from './search-queries.js';

const people = Number(process.env['BENCH_PEOPLE'] ?? 1_000_000);
const runs = Number(process.env['BENCH_RUNS'] ?? 10);
const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const measureSqliteImport = (process.env['BENCH_SQLITE_IMPORT'] ?? '1') === '1';
const querySeconds = Number(process.env['BENCH_QUERY_SECONDS'] ?? 60);
const bulkRecords = Math.min(100_000, people);
const connections = 50;
const firstId = 100_000_001;
const pgUser = 'postgres';
const isRoot = process.getuid?.() === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const clockTicks = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100; } catch { return 100; }
})();
const fmt = (x: number, d = 0): string => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

type StoreName = 'sqlite' | 'postgres';
const stores: readonly StoreName[] = ['sqlite', 'postgres'];

// --- PostgreSQL cluster ----------------------------------------------------------------------

/** Runs a command (as the postgres OS user when we are root); throws with its output on failure. */
function runAs(cmd: string, args: string[], cwd: string): string {
  const [file, argv] = isRoot ? ['runuser', ['-u', pgUser, '--', cmd, ...args]] : [cmd, args];
  const env = { ...process.env };
  for (const k of ['PGDATA', 'PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE']) delete env[k];
  return execFileSync(file, argv, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

interface Cluster {
  readonly url: string;
  readonly version: string;
  readonly settings: string;
  readonly log: string;
  /** CPU seconds used so far by the whole cluster (postmaster, backends, background processes). */
  cpuSeconds(): number;
  stop(): void;
}

const clusterSettings = [
  'shared_buffers=2GB', 'effective_cache_size=12GB', 'work_mem=32MB', 'maintenance_work_mem=512MB',
  'max_wal_size=8GB', 'checkpoint_timeout=15min', 'max_connections=100',
];

async function startCluster(): Promise<Cluster> {
  const versions = readdirSync('/usr/lib/postgresql').filter((v) => existsSync(join('/usr/lib/postgresql', v, 'bin', 'pg_ctl')));
  const version = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!version) throw new Error('no PostgreSQL server under /usr/lib/postgresql (node scripts/test-postgres.mjs installs one)');
  const bin = join('/usr/lib/postgresql', version, 'bin');
  const dir = mkdtempSync('/tmp/rollcall-stores-pg-');
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', pgUser], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', pgUser], { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const stop = (): void => {
    if (existsSync(join(data, 'postmaster.pid'))) {
      try { runAs(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '120', 'stop'], dir); } catch { /* already stopped */ }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    runAs(join(bin, 'initdb'), ['-D', data, '-U', pgUser, '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'], dir);
    const port = await freePort();
    // auto_explain is loaded but off (log_min_duration -1) until the plans are logged after the timed legs.
    const opts = ['-c listen_addresses=127.0.0.1', `-p ${port}`, `-k ${dir}`, ...clusterSettings.map((s) => `-c ${s}`),
      '-c shared_preload_libraries=auto_explain,pg_stat_statements', '-c pg_stat_statements.max=1000'].join(' ');
    runAs(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '120', '-o', opts, 'start'], dir);
    const full = execFileSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim().replace(/^postgres \(PostgreSQL\) /, '');
    return {
      url: `postgres://${pgUser}@127.0.0.1:${port}/postgres`,
      version: full,
      settings: clusterSettings.join(', '),
      log: join(dir, 'log'),
      cpuSeconds() {
        // The postmaster's own time, plus that of its reaped children (backends that exited),
        // plus the live children's (fields 14-17 of /proc/<pid>/stat: utime stime cutime cstime).
        const master = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
        const m = statFields(master);
        let ticks = Number(m[11]) + Number(m[12]) + Number(m[13]) + Number(m[14]);
        for (const p of readdirSync('/proc')) {
          if (!/^\d+$/.test(p)) continue;
          try {
            const f = statFields(Number(p));
            if (f[1] === String(master)) ticks += Number(f[11]) + Number(f[12]);
          } catch { /* exited */ }
        }
        return ticks / clockTicks;
      },
      stop,
    };
  } catch (error) {
    stop();
    throw error;
  }
}

// --- process accounting ----------------------------------------------------------------------

/** Fields of /proc/<pid>/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds used so far by these processes (the ones still alive). */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = statFields(pid);
      ticks += Number(f[11]) + Number(f[12]);
    } catch { /* exited */ }
  }
  return ticks / clockTicks;
}

function duBytes(path: string): number {
  try { return Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]); } catch { return 0; }
}

// --- rollcall ----------------------------------------------------------------------------------

/** A `rollcall` command as a child process: wall seconds and what it printed. */
function timedRollcall(args: string[]): Promise<{ seconds: number; printed: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [rollcallBin, ...args], {
      env: { ...process.env, ROLLCALL_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`rollcall ${args.join(' ')} exited with ${code}:\n${out.slice(-3000)}`));
      else resolve({ seconds: (performance.now() - t0) / 1000, printed: out.trim() });
    });
  });
}

/**
 * A bulk load as the README recommends for a large first import: `rollcall import --defer-index`
 * (SQLite queues the records for the index; PostgreSQL writes the index rows without the indexes
 * over them), then `rollcall index` (SQLite builds the FTS5 index; PostgreSQL builds the GIN
 * indexes and number keys in one pass). Change detection on, as by default.
 */
async function timedImport(storeArgs: string[], file: string): Promise<ImportFigure> {
  const load = await timedRollcall(['import', ...storeArgs, '--dataset', 'employee_clean', '--defer-index', file]);
  console.error(`  import --defer-index: ${load.seconds.toFixed(1)} s`);
  const index = await timedRollcall(['index', ...storeArgs]);
  console.error(`  index: ${index.seconds.toFixed(1)} s`);
  const seconds = load.seconds + index.seconds;
  return { seconds, load: load.seconds, index: index.seconds, rate: people / seconds, note: '' };
}

async function benchKey(config: Config): Promise<string> {
  const rt = await openRuntime(config);
  try {
    const count = await rt.store.employees.count('employee_clean');
    if (count < people) throw new Error(`${config.databaseUrl ? 'PostgreSQL' : config.dataDir} holds ${count} clean records, expected ${people}`);
    const unlimited = { limit: 0, windowMs: 1000 };
    const key = await createKey(rt, {
      name: 'bench-stores', searchCredits: 1_000_000_000, collectCredits: 1_000_000_000,
      rateLimits: { search: unlimited, collect: unlimited, bulk: unlimited, bulk_files: unlimited },
    });
    return key.api_key;
  } finally {
    await rt.store.close();
  }
}

interface Node { server: Server; origin: string; ca: string; dataDir: string }

const serverEnv = { ROLLCALL_LOG_LEVEL: 'error', ROLLCALL_SEARCH_TIMEOUT_MS: '300000', ROLLCALL_BULK_MAX_RECORDS: '2000000' };

async function startNode(dataDir: string, databaseUrl: string | null, env: Record<string, string> = {}): Promise<Node> {
  const server = await startServer(['--data-dir', dataDir, ...(databaseUrl ? ['--database-url', databaseUrl] : [])], { ...serverEnv, ...env });
  const ca = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
  return { server, origin: server.baseUrl.replace(/\/cdapi$/, ''), ca, dataDir };
}

async function pgExec(url: string, statements: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The statements PostgreSQL spent its time on (pg_stat_statements), into .bench-data/stores-statements-<phase>-<N>.txt. */
async function statements(url: string, phase: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ calls: string; total_ms: number; mean_ms: number; rows: string; blks: string; wal: string; query: string }>(
      `SELECT calls, round(total_exec_time::numeric, 1)::float8 AS total_ms, round(mean_exec_time::numeric, 3)::float8 AS mean_ms, rows,
              shared_blks_hit + shared_blks_read AS blks, pg_size_pretty(wal_bytes) AS wal, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
       FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 40`);
    const lines = rows.map((r) => `${r.total_ms}\t${r.calls}\t${r.mean_ms}\t${r.rows}\t${r.blks}\t${r.wal}\t${r.query}`);
    writeFileSync(join(benchRoot(), `stores-statements-${phase}-${people}.txt`), `total_ms\tcalls\tmean_ms\trows\tblocks\twal\tquery\n${lines.join('\n')}\n`);
  } finally {
    await client.end();
  }
}

// --- legs --------------------------------------------------------------------------------------

interface QueryResult { total: number; p50: number; p99: number; n: number }

async function searchQuery(node: Node, key: string, body: Record<string, unknown>, name: string): Promise<QueryResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: node.ca });
  const times: number[] = [];
  let total = -1;
  const started = performance.now();
  try {
    for (let i = 0; i < runs + 2; i++) {
      const t = performance.now();
      const res = await httpsPost(`${node.server.baseUrl}/v2/employee_clean/search/es_dsl`, { apikey: key }, node.ca, body, agent);
      if (res.status !== 200) throw new Error(`${name}: ${res.status} ${res.body.slice(0, 500)}\n${node.server.stderr().slice(-2000)}`);
      const ids = JSON.parse(res.body) as unknown[];
      const n = Number(res.headers['x-total-results']);
      if (total >= 0 && n !== total) console.error(`warning: ${name}: total changed between runs (${total} → ${n})`);
      total = n;
      if (ids.length !== Math.min(1000, n)) console.error(`warning: ${name}: page of ${ids.length} ids for a total of ${n}`);
      if (i >= 2) times.push(performance.now() - t);
      if (i >= 4 && (performance.now() - started) / 1000 > querySeconds) break;
    }
  } finally {
    agent.destroy();
  }
  return { total, p50: pct(times, 50), p99: pct(times, 99), n: times.length };
}

interface CollectResult { rps: number; p50: number; p99: number; bad: number; serverCores: number; pgCores: number }

function cannon(node: Node, key: string, conns: number, duration: number): Promise<autocannon.Result> {
  return autocannon({
    url: node.origin,
    connections: conns,
    duration,
    tlsOptions: { ca: node.ca },
    headers: { apikey: key },
    requests: [{ setupRequest: (req) => ({ ...req, path: `/cdapi/v2/employee_clean/collect/${firstId + Math.floor(Math.random() * people)}` }) }],
  });
}

/** Collect by random id, the connections split evenly over the nodes (one autocannon per node). */
async function collectLeg(nodes: readonly Node[], key: string, cluster: Cluster | null): Promise<CollectResult> {
  const serverPids = nodes.map((n) => n.server.child.pid!);
  const cpu0 = cpuSeconds(serverPids);
  const pg0 = cluster?.cpuSeconds() ?? 0;
  const t0 = performance.now();
  const results = await Promise.all(nodes.map((n) => cannon(n, key, connections / nodes.length, seconds)));
  const wall = (performance.now() - t0) / 1000;
  return {
    rps: results.reduce((s, r) => s + r.requests.average, 0),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    bad: results.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0),
    serverCores: (cpuSeconds(serverPids) - cpu0) / wall,
    pgCores: cluster ? (cluster.cpuSeconds() - pg0) / wall : 0,
  };
}

interface BulkResult { seconds: number; parts: number; gzipBytes: number; serverCores: number; pgCores: number }

async function bulkExport(node: Node, key: string, cluster: Cluster | null): Promise<BulkResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: node.ca });
  const pid = node.server.child.pid!;
  const cpu0 = cpuSeconds([pid]);
  const pg0 = cluster?.cpuSeconds() ?? 0;
  const t0 = performance.now();
  const wallStart = Date.now() - 1000;
  let requestId: string | null = null;
  let exportDirs: string[] = [];
  try {
    const posted = await httpsPost(`${node.server.baseUrl}/v2/data_requests/employee_clean/es_dsl`, { apikey: key }, node.ca,
      { limit: bulkRecords, es_dsl_query: { query: { match_all: {} } } }, agent);
    if (posted.status !== 201) throw new Error(`bulk POST answered ${posted.status}: ${posted.body}`);
    requestId = (JSON.parse(posted.body) as { request_id: string }).request_id;
    for (;;) {
      const res = await httpsGet(`${node.server.baseUrl}/v2/data_requests/${requestId}/files`, { apikey: key }, node.ca, agent);
      if (res.status === 200) {
        const s = (performance.now() - t0) / 1000;
        const names = (JSON.parse(res.body) as { data_request_files: string[] }).data_request_files;
        const cores = (cpuSeconds([pid]) - cpu0) / s;
        const pgCores = cluster ? (cluster.cpuSeconds() - pg0) / s : 0;
        exportDirs = newExportDirs(node.dataDir, wallStart);
        const gzipBytes = exportDirs.reduce((sum, d) => sum + fileBytes(d), 0);
        if (gzipBytes === 0) console.error(`warning: no export files found under ${join(node.dataDir, 'files', 'data_requests')}`);
        return { seconds: s, parts: names.length, gzipBytes, serverCores: cores, pgCores };
      }
      if (res.status !== 202) throw new Error(`files list answered ${res.status}: ${res.body}`);
      await sleep(200);
    }
  } finally {
    agent.destroy();
    if (requestId) rmSync(join(node.dataDir, 'files', 'data_requests', requestId), { recursive: true, force: true });
    for (const d of exportDirs) rmSync(d, { recursive: true, force: true });
  }
}

/** Bytes of the files under a directory (recursively). */
function fileBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? fileBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

/** Directories under DATA_DIR/files/data_requests made since `since` (ms): this export's. */
function newExportDirs(dataDir: string, since: number): string[] {
  const root = join(dataDir, 'files', 'data_requests');
  if (!existsSync(root)) return [];
  return readdirSync(root).map((d) => join(root, d)).filter((d) => statSync(d).isDirectory() && statSync(d).mtimeMs >= since);
}

// --- main --------------------------------------------------------------------------------------

interface ImportFigure { seconds: number; load: number; index: number; rate: number; note: string }

async function main(): Promise<void> {
  const files = await generatedPeople(people);
  const tmp = mkdtempSync(join(benchRoot(), 'stores-tmp-'));
  let cluster: Cluster | null = null;
  const nodes: Node[] = [];
  const cleanup = (): void => {
    for (const n of nodes) n.server.child.kill('SIGKILL');
    cluster?.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => { cleanup(); process.exit(130); });
  process.once('SIGTERM', () => { cleanup(); process.exit(143); });
  try {
    // 1. Import.
    const imports: Record<StoreName, ImportFigure> = {} as Record<StoreName, ImportFigure>;
    let sqliteDir = join(benchRoot(), `search-${people}`);
    if (measureSqliteImport) {
      const dir = join(tmp, 'sqlite');
      console.error(`sqlite: importing ${people} people ...`);
      imports.sqlite = { ...(await timedImport(['--data-dir', dir], files.clean)), note: 'measured in this run' };
      if (!existsSync(sqliteDir)) sqliteDir = dir;
      else rmSync(dir, { recursive: true, force: true }); // queries run on the bench:search store
    } else {
      imports.sqlite = { seconds: NaN, load: NaN, index: NaN, rate: NaN, note: 'not measured in this run (BENCH_SQLITE_IMPORT=0): see bench:import' };
    }
    if (!existsSync(sqliteDir)) throw new Error(`${sqliteDir} is missing: prepare it with bench:search (BENCH_PREPARE=1) or run with BENCH_SQLITE_IMPORT=1`);
    cluster = await startCluster();
    await pgExec(cluster.url, ['CREATE EXTENSION pg_stat_statements']);
    console.error(`postgres ${cluster.version}: importing ${people} people ...`);
    const pgImport = await timedImport(['--data-dir', join(tmp, 'pg-import'), '--database-url', cluster.url], files.clean);
    await statements(cluster.url, 'import');
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    const v0 = performance.now();
    await client.query('VACUUM ANALYZE');
    const vacuumSeconds = (performance.now() - v0) / 1000;
    const pgBytes = Number((await client.query<{ n: string }>(`SELECT pg_database_size('postgres') AS n`)).rows[0]!.n);
    await client.end();
    imports.postgres = { ...pgImport, note: `measured in this run; then VACUUM ANALYZE ${vacuumSeconds.toFixed(1)} s` };
    const sqliteBytes = duBytes(storeDir(loadConfig({}, { dataDir: sqliteDir })));
    console.error(`postgres import: ${pgImport.seconds.toFixed(1)} s; VACUUM ANALYZE ${vacuumSeconds.toFixed(1)} s; ${(pgBytes / 1e9).toFixed(1)} GB`);

    const pgDir = join(tmp, 'pg-node');
    mkdirSync(pgDir, { recursive: true });
    // The node's copy of the search postings, built before it serves (a server builds it itself
    // as parts change; built here so the searches below meet it current).
    const copy = await timedRollcall(['index', '--data-dir', pgDir, '--database-url', cluster.url]);
    console.error(`postgres: the node's copy of the postings built in ${copy.seconds.toFixed(1)} s (${copy.printed.replace(/\n/g, '; ')})`);
    // The same database searched in SQL only, by a node without the copy.
    const pgSqlDir = join(tmp, 'pg-node-sql');
    mkdirSync(pgSqlDir, { recursive: true });
    const keys: Record<StoreName, string> = {
      sqlite: await benchKey(loadConfig({}, { dataDir: sqliteDir })),
      postgres: await benchKey(loadConfig({}, { dataDir: pgDir, databaseUrl: cluster.url })),
    };
    const first: Record<StoreName, Node> = {
      sqlite: await startNode(sqliteDir, null),
      postgres: await startNode(pgDir, cluster.url),
    };
    nodes.push(first.sqlite, first.postgres);
    const sqlOnly = await startNode(pgSqlDir, cluster.url, { ROLLCALL_SEARCH_BITMAPS: '0' });

    // 2. Search: each query on both stores, one after the other.
    await pgExec(cluster.url, ['SELECT pg_stat_statements_reset()']);
    const search: { name: string; r: Record<StoreName, QueryResult>; sql: QueryResult }[] = [];
    for (const q of benchQueries) {
      const r = {} as Record<StoreName, QueryResult>;
      for (const s of stores) r[s] = await searchQuery(first[s], keys[s], q.body, q.name);
      const sql = await searchQuery(sqlOnly, keys.postgres, q.body, q.name);
      search.push({ name: q.name, r, sql });
      console.error(`search: ${q.name}: sqlite ${r.sqlite.p50.toFixed(1)} ms (${r.sqlite.total}), postgres ${r.postgres.p50.toFixed(1)} ms (${r.postgres.total}), postgres in SQL ${sql.p50.toFixed(1)} ms (${sql.total})`);
    }
    await sqlOnly.server.stop();

    await statements(cluster.url, 'search');
    // 3. Collect through one node, then two (a second `rollcall serve` on the same store).
    const second: Record<StoreName, Node> = {
      sqlite: await startNode(sqliteDir, null),
      postgres: await startNode(pgDir, cluster.url),
    };
    nodes.push(second.sqlite, second.postgres);
    for (const s of stores) for (const n of [first[s], second[s]]) await cannon(n, keys[s], 10, 2); // warm-up
    const collect = {} as Record<StoreName, { one: CollectResult; two: CollectResult }>;
    for (const s of stores) {
      const c = s === 'postgres' ? cluster : null;
      if (c) await pgExec(c.url, ['SELECT pg_stat_statements_reset()']);
      const one = await collectLeg([first[s]], keys[s], c);
      const two = await collectLeg([first[s], second[s]], keys[s], c);
      collect[s] = { one, two };
      if (c) await statements(c.url, 'collect');
      console.error(`collect ${s}: one node ${Math.round(one.rps)} req/s, two nodes ${Math.round(two.rps)} req/s`);
    }
    // How much of PostgreSQL's collect cost is waiting for the commit's WAL flush: the same legs
    // with synchronous_commit off (a crash may lose the last moments of charges, never corrupts;
    // the durability of SQLite's WAL with synchronous=NORMAL).
    await pgExec(cluster.url, ['ALTER SYSTEM SET synchronous_commit = off', 'SELECT pg_reload_conf()']);
    await sleep(500);
    const asyncCollect = {
      one: await collectLeg([first.postgres], keys.postgres, cluster),
      two: await collectLeg([first.postgres, second.postgres], keys.postgres, cluster),
    };
    await pgExec(cluster.url, ['ALTER SYSTEM RESET synchronous_commit', 'SELECT pg_reload_conf()']);
    console.error(`collect postgres, synchronous_commit off: one node ${Math.round(asyncCollect.one.rps)} req/s, two nodes ${Math.round(asyncCollect.two.rps)} req/s`);
    for (const s of stores) await second[s].server.stop();
    nodes.splice(2);

    // 4. Bulk export of 100,000 records.
    const bulk = {} as Record<StoreName, BulkResult>;
    for (const s of stores) {
      bulk[s] = await bulkExport(first[s], keys[s], s === 'postgres' ? cluster : null);
      console.error(`bulk ${s}: ${bulk[s].seconds.toFixed(1)} s`);
    }
    // Plans (untimed): every query once more on PostgreSQL with auto_explain logging ANALYZE plans.
    await pgExec(cluster.url, ["ALTER SYSTEM SET auto_explain.log_min_duration = '0'", 'ALTER SYSTEM SET auto_explain.log_analyze = on',
      'ALTER SYSTEM SET auto_explain.log_buffers = on', 'SELECT pg_reload_conf()']);
    await sleep(500);
    const logStart = statSync(cluster.log).size;
    for (const q of benchQueries) {
      const res = await httpsPost(`${first.postgres.server.baseUrl}/v2/employee_clean/search/es_dsl`, { apikey: keys.postgres }, first.postgres.ca, q.body);
      if (res.status !== 200) console.error(`explain run of ${q.name}: ${res.status}`);
    }
    await sleep(500);
    writeFileSync(join(benchRoot(), `stores-plans-${people}.log`), readFileSync(cluster.log).subarray(logStart));
    for (const s of stores) await first[s].server.stop();
    nodes.length = 0;

    // Report.
    const mismatches = search.filter((q) => q.r.sqlite.total !== q.r.postgres.total || q.sql.total !== q.r.postgres.total);
    const geomean = (xs: number[]): number => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
    const out: string[] = [];
    out.push(`bench:stores — ${fmt(people)} clean people (seed 1); PostgreSQL ${cluster.version} (${cluster.settings}; fsync, synchronous_commit, full_page_writes on); ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; ${runs} runs per query, collect legs ${seconds} s x ${connections} connections`, '');
    const num = (x: number, d = 0): string => (Number.isNaN(x) ? '—' : fmt(x, d));
    out.push('### Import (bulk load: import --defer-index, then index)', '', '| store | import s | index s | total s | records/s | store size GB | note |', '|---|---|---|---|---|---|---|');
    for (const [label, f, bytes] of [['SQLite', imports.sqlite, sqliteBytes], ['PostgreSQL', imports.postgres, pgBytes]] as const) {
      out.push(`| ${label} | ${num(f.load, 1)} | ${num(f.index, 1)} | ${num(f.seconds, 1)} | ${num(f.rate)} | ${fmt(bytes / 1e9, 1)} | ${f.note} |`);
    }
    out.push('');
    out.push(`### Search (HTTPS, first page of 1,000 ids; PostgreSQL on the node's copy of the postings, built in ${fmt(copy.seconds, 1)} s, and in SQL only)`, '',
      '| query | total SQLite | total PostgreSQL | SQLite p50 / p99 ms | PostgreSQL p50 / p99 ms | PostgreSQL in SQL p50 / p99 ms | PostgreSQL / SQLite p50 | in SQL / SQLite p50 |', '|---|---|---|---|---|---|---|---|');
    const ratio = (b: QueryResult, a: QueryResult): number => b.p50 / Math.max(a.p50, 0.01);
    for (const q of search) {
      const { sqlite: a, postgres: b } = q.r;
      const runsNote = (r: QueryResult) => (r.n < runs ? ` (${r.n} runs)` : '');
      out.push(`| ${q.name} | ${fmt(a.total)} | ${fmt(b.total)}${a.total !== b.total || q.sql.total !== b.total ? ' **≠**' : ''} | ${fmt(a.p50, 1)} / ${fmt(a.p99, 1)}${runsNote(a)} | ${fmt(b.p50, 1)} / ${fmt(b.p99, 1)}${runsNote(b)} | ${fmt(q.sql.p50, 1)} / ${fmt(q.sql.p99, 1)}${runsNote(q.sql)} | ${fmt(ratio(b, a), 2)} | ${fmt(ratio(q.sql, a), 2)} |`);
    }
    out.push('', `Geometric mean of PostgreSQL / SQLite p50: ${fmt(geomean(search.map((q) => ratio(q.r.postgres, q.r.sqlite))), 2)} on the copy, ${fmt(geomean(search.map((q) => ratio(q.sql, q.r.sqlite))), 2)} in SQL only; queries over 150 ms p50 on PostgreSQL: ${search.filter((q) => q.r.postgres.p50 > 150).map((q) => q.name).join(', ') || 'none'}.`, '');
    out.push(mismatches.length === 0 ? 'Totals: equal for every query, on both PostgreSQL nodes.' : `Totals DIFFER for ${mismatches.length} queries: ${mismatches.map((q) => `${q.name} (SQLite ${q.r.sqlite.total}, PostgreSQL ${q.r.postgres.total}, in SQL ${q.sql.total})`).join('; ')}`, '');
    out.push('### Collect by random id (HTTPS keep-alive, 50 connections in all)', '', '| store | nodes | req/s | p50 ms | p99 ms | non-2xx + errors | rollcall CPU cores | postgres CPU cores |', '|---|---|---|---|---|---|---|---|');
    const legs: [string, string, CollectResult][] = [
      ['SQLite', '1', collect.sqlite.one], ['SQLite', '2', collect.sqlite.two],
      ['PostgreSQL', '1', collect.postgres.one], ['PostgreSQL', '2', collect.postgres.two],
      ['PostgreSQL, synchronous_commit off', '1', asyncCollect.one], ['PostgreSQL, synchronous_commit off', '2', asyncCollect.two],
    ];
    for (const [store, label, r] of legs) {
      out.push(`| ${store} | ${label} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.bad} | ${fmt(r.serverCores, 2)} | ${store === 'SQLite' ? '—' : fmt(r.pgCores, 2)} |`);
    }
    out.push('', `### Bulk export (${fmt(bulkRecords)} records, match_all)`, '', '| store | seconds | records/s | parts | gzip MB | rollcall CPU cores | postgres CPU cores |', '|---|---|---|---|---|---|---|');
    for (const s of stores) {
      const r = bulk[s];
      out.push(`| ${s === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${fmt(r.seconds, 1)} | ${fmt(bulkRecords / r.seconds)} | ${r.parts} | ${fmt(r.gzipBytes / 1e6, 1)} | ${fmt(r.serverCores, 2)} | ${s === 'sqlite' ? '—' : fmt(r.pgCores, 2)} |`);
    }
    const text = out.join('\n');
    console.log(`\n${text}`);
    writeFileSync(join(benchRoot(), `stores-results-${people}.md`), `${text}\n`);
    writeFileSync(join(benchRoot(), `stores-results-${people}.json`), JSON.stringify({ people, imports, sqliteBytes, pgBytes, vacuumSeconds, search, collect, asyncCollect, bulk }, null, 2));
  } finally {
    cleanup();
  }
}

await main();
