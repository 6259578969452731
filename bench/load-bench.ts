// bench:load — mixed traffic from several keys against the search store while a bulk export of
// every record runs: collect 70 %, search 20 % (the bench:search query set), bulk 10 % (polling
// the export's file list and downloading a small data request's part file). When the export
// finishes before the window ends, another starts, so one always runs. Reports throughput, p50 /
// p99 per route group and the 5xx count. Target (issue "Hardening"): p99 <= 250 ms and no 5xx on
// the embedded store.
//
//   BENCH_PEOPLE     store size (default 1000000; the store of bench:search, search-<N>)
//   BENCH_SECONDS    length of the window (default 300)
//   BENCH_KEYS       keys sending the traffic (default 4)
//   BENCH_CLIENTS    requests in flight at once (default 16)
//   BENCH_STORE      sqlite (default) or postgres: a throwaway PostgreSQL server is started, the
//                    people are imported into it, and two API nodes (no background work) and a
//                    `rollcall worker` share it; clients alternate between the nodes
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig, type RateLimit, type RateLimitGroup } from '../src/config/config.js';
import { requestPrefix } from '../src/domain/bulk/data-requests.js';
import { createKey } from '../src/domain/keys.js';
import { openRuntime } from '../src/runtime.js';
import { packageRoot } from '../src/util/package-root.js';
import { httpsGet, httpsPost, rollcallBin, startServer, startWorker, type Server } from '../test/helpers/processes.js';
import { benchRoot, generatedPeople } from './bench-data.js';
import { benchQueries } from './search-queries.js';

const people = Number(process.env['BENCH_PEOPLE'] ?? 1_000_000);
const seconds = Number(process.env['BENCH_SECONDS'] ?? 300);
const keyCount = Number(process.env['BENCH_KEYS'] ?? 4);
const clients = Number(process.env['BENCH_CLIENTS'] ?? 16);
const onPostgres = process.env['BENCH_STORE'] === 'postgres';
/** The largest sample (a spread of 100k+ samples into Math.max overflows the stack). */
const largest = (xs: readonly number[]): number => xs.reduce((a, b) => (b > a ? b : a), -Infinity);
const dataDir = join(benchRoot(), onPostgres ? `load-postgres-${people}` : `search-${people}`);
let pg: { url: string; stop(): Promise<void> } | null = null;
if (onPostgres) {
  const script = pathToFileURL(join(packageRoot(), 'scripts', 'test-postgres.mjs')).href;
  const { startTestPostgres } = (await import(script)) as { startTestPostgres(o: { log: (m: string) => void }): Promise<{ url: string; stop(): Promise<void> }> };
  pg = await startTestPostgres({ log: (m) => console.error(m) });
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const { clean } = await generatedPeople(people);
  const started = performance.now();
  for (const args of [['import', '--dataset', 'employee_clean', '--defer-index', clean], ['index']]) {
    const r = spawnSync(process.execPath, [rollcallBin, ...args, '--data-dir', dataDir, '--database-url', pg.url], { encoding: 'utf8', env: { ...process.env, ROLLCALL_LOG_LEVEL: 'warn' } });
    if (r.status !== 0) throw new Error(`rollcall ${args[0]}: ${r.stderr}`);
  }
  console.error(`imported ${people} people into PostgreSQL in ${((performance.now() - started) / 1000).toFixed(0)} s`);
} else if (!existsSync(join(dataDir, 'store', 'records.db'))) {
  console.error(`no store at ${dataDir}: prepare it with BENCH_SIZES=${people} BENCH_PREPARE=1 npm run bench:search`);
  process.exit(2);
}
const storeArgs = ['--data-dir', dataDir, ...(pg ? ['--database-url', pg.url] : [])];
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Keys with no rate limits (the bench measures the server, not the limiter) and ample credits.
const rt = await openRuntime(loadConfig({ ROLLCALL_LOG_LEVEL: 'error' }, { dataDir, databaseUrl: pg?.url }));
const unlimited: Partial<Record<RateLimitGroup, RateLimit>> = Object.fromEntries(
  (['search', 'collect', 'bulk', 'bulk_files'] as const).map((g) => [g, { limit: 0, windowMs: 1000 }]),
);
// One after another: the embedded store's control-plane transactions do not interleave.
const keys: Awaited<ReturnType<typeof createKey>>[] = [];
for (let i = 0; i < keyCount; i++) keys.push(await createKey(rt, { name: `load-${i}`, searchCredits: 1e9, collectCredits: 1e9, rateLimits: unlimited }));
const exporter = await createKey(rt, { name: 'exporter', searchCredits: 0, collectCredits: 1e12, rateLimits: unlimited });
const ids = await rt.store.employees.sampleIds('employee_clean', 10_000);
await rt.store.close();

const serverEnv = { ROLLCALL_BULK_MAX_RECORDS: String(people), ROLLCALL_LOG_LEVEL: 'error', ROLLCALL_JOB_POLL_MS: '200' };
// On PostgreSQL: two API nodes that do no background work, and one worker that runs the exports.
const servers: Server[] = [];
for (let i = 0; i < (pg ? 2 : 1); i++) servers.push(await startServer(storeArgs, pg ? { ...serverEnv, ROLLCALL_SERVER_WORKER: 'false' } : serverEnv, 1_800_000));
const worker: ChildProcess | null = pg ? await startWorker(storeArgs, serverEnv) : null;
const ca = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
const bases = servers.map((s) => s.baseUrl);
const base = bases[0]!;

async function waitForFiles(id: string, apikey: string, agent?: Agent): Promise<string[]> {
  for (;;) {
    const res = await httpsGet(`${base}/v2/data_requests/${id}/files`, { apikey }, ca, agent);
    if (res.status === 200) return (JSON.parse(res.body) as { data_request_files: string[] }).data_request_files;
    if (res.status !== 202) throw new Error(`data request ${id}: ${res.status} ${res.body}`);
    await sleep(500);
  }
}

// The data requests this run makes: their part files (GBs per export of 1M records) are removed
// at the end, so runs do not pile exports up in the bench store.
const made: string[] = [];
try {
  // Each key's small data request, whose part file the bulk traffic downloads.
  const small: { id: string; file: string }[] = [];
  for (const k of keys) {
    const res = await httpsPost(`${base}/v2/data_requests/employee_clean/id_file`, { apikey: k.api_key }, ca, { ids: ids.slice(0, 200) });
    const id = (JSON.parse(res.body) as { request_id: string }).request_id;
    made.push(id);
    small.push({ id, file: (await waitForFiles(id, k.api_key))[0]! });
  }

  // The export, started again whenever it finishes inside the window.
  let exportId = '';
  const exports: number[] = [];
  let running = true;
  const exportLoop = (async () => {
    while (running) {
      const started = performance.now();
      const res = await httpsPost(`${base}/v2/data_requests/employee_clean/es_dsl`, { apikey: exporter.api_key }, ca, { es_dsl_query: { query: { match_all: {} } }, limit: people });
      if (res.status !== 201) throw new Error(`export: ${res.status} ${res.body}`);
      exportId = (JSON.parse(res.body) as { request_id: string }).request_id;
      made.push(exportId);
      await waitForFiles(exportId, exporter.api_key);
      exports.push((performance.now() - started) / 1000);
    }
  })();
  while (exportId === '') await sleep(50);

  type Group = 'collect' | 'search' | 'bulk';
  const samples: Record<Group, { ms: number[]; statuses: Map<number, number> }> = {
    collect: { ms: [], statuses: new Map() }, search: { ms: [], statuses: new Map() }, bulk: { ms: [], statuses: new Map() },
  };
  const deadline = performance.now() + seconds * 1000;
  let seed = 12345;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const client = async (n: number): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca });
    const base = bases[n % bases.length]!;
    const k = keys[n % keys.length]!;
    const mine = small[n % keys.length]!;
    const h = { apikey: k.api_key };
    while (performance.now() < deadline) {
      const roll = random();
      const group: Group = roll < 0.7 ? 'collect' : roll < 0.9 ? 'search' : 'bulk';
      const t = performance.now();
      let status: number;
      if (group === 'collect') {
        status = (await httpsGet(`${base}/v2/employee_clean/collect/${ids[Math.floor(random() * ids.length)]}`, h, ca, agent)).status;
      } else if (group === 'search') {
        const q = benchQueries[Math.floor(random() * benchQueries.length)]!;
        status = (await httpsPost(`${base}/v2/employee_clean/search/es_dsl`, h, ca, q.body, agent)).status;
      } else if (random() < 0.5) {
        status = (await httpsGet(`${base}/v2/data_requests/${exportId}/files`, { apikey: exporter.api_key }, ca, agent)).status;
        if (status === 202) status = 200;
      } else {
        status = (await httpsGet(`${base}/v2/data_requests/${mine.id}/files/${mine.file}`, h, ca, agent)).status;
      }
      samples[group].ms.push(performance.now() - t);
      samples[group].statuses.set(status, (samples[group].statuses.get(status) ?? 0) + 1);
    }
    agent.destroy();
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  const elapsed = (performance.now() - started) / 1000;
  running = false;
  console.error('load window over; waiting for the running export to finish...');
  await exportLoop;

  console.log(`\nbench:load — ${pg ? 'PostgreSQL, two API nodes and a worker' : 'embedded store, one server'}, ${people.toLocaleString('en')} people, ${seconds} s, ${keyCount} keys, ${clients} clients, an export of every record always running`);
  console.log(`exports of every record (the last one finished after the window): ${exports.length}${exports.length ? ` (${exports.map((s) => `${s.toFixed(0)} s`).join(', ')}, ${(people / (exports.reduce((a, b) => a + b, 0) / exports.length)).toFixed(0)} records/s)` : ''}\n`);
  console.log('| group | requests | req/s | p50 ms | p99 ms | max ms | 5xx | other non-2xx |');
  console.log('|---|---|---|---|---|---|---|---|');
  let fivexx = 0;
  let worstP99 = 0;
  for (const [group, s] of Object.entries(samples)) {
    const fives = [...s.statuses].filter(([st]) => st >= 500);
    const five = fives.reduce((a, [, n]) => a + n, 0);
    const other = [...s.statuses].filter(([st]) => (st < 200 || st >= 300) && st < 500).map(([st, n]) => `${n} × ${st}`).join(', ') || '0';
    fivexx += five;
    worstP99 = Math.max(worstP99, pct(s.ms, 99));
    console.log(`| ${group} | ${s.ms.length} | ${(s.ms.length / elapsed).toFixed(0)} | ${pct(s.ms, 50).toFixed(1)} | ${pct(s.ms, 99).toFixed(1)} | ${largest(s.ms).toFixed(0)} | ${five === 0 ? '0' : fives.map(([st, n]) => `${n} × ${st}`).join(', ')} | ${other} |`);
  }
  const all = Object.values(samples).flatMap((s) => s.ms);
  console.log(`| **all** | ${all.length} | ${(all.length / elapsed).toFixed(0)} | ${pct(all, 50).toFixed(1)} | ${pct(all, 99).toFixed(1)} | ${largest(all).toFixed(0)} | ${fivexx} | |`);
  console.log(`\ntarget p99 <= 250 ms in every group: ${worstP99 <= 250 ? 'met' : `NOT met (worst group p99 ${worstP99.toFixed(0)} ms)`}; zero 5xx: ${fivexx === 0 ? 'met' : `NOT met (${fivexx})`}`);
} finally {
  for (const s of servers) await s.stop();
  if (worker) {
    const exited = new Promise((r) => worker.once('exit', r));
    worker.kill('SIGTERM');
    await exited;
  }
  if (pg) {
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  } else {
    for (const id of made) rmSync(join(dataDir, 'files', requestPrefix(id)), { recursive: true, force: true });
  }
}
