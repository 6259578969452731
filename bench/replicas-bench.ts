// bench:replicas — reads across machines, on one machine: a PostgreSQL primary and a streaming
// replica of it (both from Debian's PostgreSQL, started on loopback by scripts/test-postgres.mjs),
// holding the same generated clean people (seed 1).
//
// 1. Collect and search throughput through two API nodes that read from the primary only, against
//    two API nodes that read from the replica (`--database-read-url`), legs alternated A B B A.
//    Every process (nodes, primary, replica, load generator) shares this machine's cores, so the
//    ratio shows what moving reads costs or saves here, not what a second machine would add.
// 2. The bulk file stores: an export of every record, then downloading every part whole and by
//    range (its second half), with part files in the local directory against `--file-store
//    database`, alternated local, database, database, local.
//
//   BENCH_PEOPLE (20000)  BENCH_SECONDS per throughput leg (10)  BENCH_ROUNDS of A B B A (2)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { httpsGet, httpsGetBuffer, httpsPost, rollcallBin, startServer, type Server } from '../test/helpers/processes.js';
import { generatedPeople } from './bench-data.js';

const people = Number(process.env['BENCH_PEOPLE'] ?? 20_000);
const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 2);
const firstId = 100_000_001;
const connections = 32;
const fmt = (x: number, d = 0): string => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface TestPostgres { readonly url: string; stop(): Promise<void>; addReplica(): Promise<{ url: string; stop(): Promise<void> }> }

const rollcall = (args: string[]): string => execFileSync(process.execPath, [rollcallBin, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ROLLCALL_LOG_LEVEL: 'error' } });

const nodeEnv = {
  ROLLCALL_LOG_LEVEL: 'error', ROLLCALL_REQUEST_LOG: 'false', ROLLCALL_RATE_LIMIT_COLLECT: '0', ROLLCALL_RATE_LIMIT_SEARCH: '0',
  ROLLCALL_RATE_LIMIT_BULK: '0', ROLLCALL_RATE_LIMIT_BULK_FILES: '0', ROLLCALL_BULK_MAX_RECORDS: String(people),
};

/** Search bodies the search leg rotates through (a page of 100 each). */
const searches = [
  { query: { match: { job_title: 'engineer' } } },
  { query: { bool: { filter: [{ term: { location_country: 'United States' } }, { range: { connections_count: { gte: 300 } } }] } } },
  { query: { nested: { path: 'experience', query: { range: { 'experience.company_size_employees_count': { gte: 1000 } } } } } },
  { query: { query_string: { query: 'python OR java', default_field: 'description' } } },
];

interface Node { server: Server; origin: string; ca: string }

async function node(args: string[], env: Record<string, string> = {}): Promise<Node> {
  const server = await startServer(args, { ...nodeEnv, ...env });
  const dataDir = args[args.lastIndexOf('--data-dir') + 1]!;
  return { server, origin: server.baseUrl.replace(/\/cdapi$/, ''), ca: readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8') };
}

/** Requests per second through both nodes at once, half the connections each. */
async function throughput(nodes: readonly Node[], key: string, kind: 'collect' | 'search'): Promise<{ rps: number; p99: number; bad: number }> {
  const results = await Promise.all(nodes.map((n) => autocannon({
    url: n.origin, connections: connections / nodes.length, duration: seconds, tlsOptions: { ca: n.ca },
    headers: { apikey: key, 'content-type': 'application/json' },
    requests: [{
      setupRequest: (req) => kind === 'collect'
        ? { ...req, method: 'GET', path: `/cdapi/v2/employee_clean/collect/${firstId + Math.floor(Math.random() * people)}` }
        : { ...req, method: 'POST', path: '/cdapi/v2/employee_clean/search/es_dsl?items_per_page=100', body: JSON.stringify(searches[Math.floor(Math.random() * searches.length)]) },
    }],
  })));
  return {
    rps: results.reduce((s, r) => s + r.requests.average, 0),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    bad: results.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0),
  };
}

interface FileFigures { exportSeconds: number; bytes: number; downloadMBs: number; rangeMBs: number }

/** One export of every record through the node (its own worker writes the parts), then every part downloaded whole and by its second half. */
async function exportAndDownload(n: Node, key: string): Promise<FileFigures> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: n.ca });
  try {
    const t0 = performance.now();
    const posted = await httpsPost(`${n.server.baseUrl}/v2/data_requests/employee_clean/es_dsl`, { apikey: key }, n.ca, { limit: people, es_dsl_query: { query: { match_all: {} } } }, agent);
    if (posted.status !== 201) throw new Error(`export answered ${posted.status}: ${posted.body}`);
    const id = (JSON.parse(posted.body) as { request_id: string }).request_id;
    let files: string[] = [];
    for (;;) {
      const list = await httpsGet(`${n.server.baseUrl}/v2/data_requests/${id}/files`, { apikey: key }, n.ca, agent);
      if (list.status === 200) {
        files = (JSON.parse(list.body) as { data_request_files: string[] }).data_request_files;
        break;
      }
      if (list.status !== 202) throw new Error(`export ${id}: ${list.status} ${list.body}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const exportSeconds = (performance.now() - t0) / 1000;
    let bytes = 0;
    const t1 = performance.now();
    const sizes: number[] = [];
    for (const f of files) {
      const got = await httpsGetBuffer(`${n.server.baseUrl}/v2/data_requests/${id}/files/${f}`, { apikey: key }, n.ca);
      if (got.status !== 200) throw new Error(`download answered ${got.status}`);
      bytes += got.body.length;
      sizes.push(got.body.length);
    }
    const downloadMBs = bytes / 1e6 / ((performance.now() - t1) / 1000);
    let rangeBytes = 0;
    const t2 = performance.now();
    for (const [i, f] of files.entries()) {
      const from = Math.floor(sizes[i]! / 2);
      const got = await httpsGetBuffer(`${n.server.baseUrl}/v2/data_requests/${id}/files/${f}`, { apikey: key, range: `bytes=${from}-` }, n.ca);
      if (got.status !== 206 || got.body.length !== sizes[i]! - from) throw new Error(`range download answered ${got.status} with ${got.body.length} bytes`);
      rangeBytes += got.body.length;
    }
    const rangeMBs = rangeBytes / 1e6 / ((performance.now() - t2) / 1000);
    return { exportSeconds, bytes, downloadMBs, rangeMBs };
  } finally {
    agent.destroy();
  }
}

async function main(): Promise<void> {
  const { clean } = await generatedPeople(people);
  const script = pathToFileURL(join(rollcallBin, '..', '..', 'scripts', 'test-postgres.mjs')).href;
  const { startTestPostgres } = (await import(script)) as { startTestPostgres(o: { log: (m: string) => void }): Promise<TestPostgres> };
  const primary = await startTestPostgres({ log: (m) => console.error(m) });
  const dirs: string[] = [];
  const dir = (name: string): string => {
    const d = mkdtempSync(join(tmpdir(), `rollcall-bench-${name}-`));
    dirs.push(d);
    return d;
  };
  const running: Node[] = [];
  try {
    const base = dir('import');
    const onPrimary = ['--database-url', primary.url];
    console.error(`importing ${fmt(people)} people into the primary ...`);
    rollcall(['import', '--data-dir', base, ...onPrimary, '--dataset', 'employee_clean', clean]);
    const key = (JSON.parse(rollcall(['keys', 'create', '--data-dir', base, ...onPrimary, '--search-credits', '1000000000', '--collect-credits', '1000000000', '--json'])) as { api_key: string }).api_key;
    const replica = await primary.addReplica();

    // 1. Two nodes on the primary alone against two nodes reading from the replica.
    const noWorker = { ROLLCALL_SERVER_WORKER: 'false' };
    const onlyPrimary = [await node(['--data-dir', dir('a1'), ...onPrimary], noWorker), await node(['--data-dir', dir('a2'), ...onPrimary], noWorker)];
    const withReplica = [
      await node(['--data-dir', dir('b1'), ...onPrimary, '--database-read-url', replica.url], noWorker),
      await node(['--data-dir', dir('b2'), ...onPrimary, '--database-read-url', replica.url], noWorker),
    ];
    running.push(...onlyPrimary, ...withReplica);
    await new Promise((r) => setTimeout(r, 3000)); // the replica check finds it caught up
    for (const n of withReplica) if (!/replica \S+ in use/.test(n.server.stderr())) console.error('warning: a node has not taken the replica into use');
    const legs: Record<'collect' | 'search', { a: number[]; b: number[]; bad: number; p99a: number[]; p99b: number[] }> = {
      collect: { a: [], b: [], bad: 0, p99a: [], p99b: [] }, search: { a: [], b: [], bad: 0, p99a: [], p99b: [] },
    };
    for (const kind of ['collect', 'search'] as const) {
      await throughput(onlyPrimary, key, kind); // warm-up of both paths
      await throughput(withReplica, key, kind);
      for (let r = 0; r < rounds; r++) {
        for (const side of ['a', 'b', 'b', 'a'] as const) {
          const got = await throughput(side === 'a' ? onlyPrimary : withReplica, key, kind);
          legs[kind][side].push(got.rps);
          legs[kind][side === 'a' ? 'p99a' : 'p99b'].push(got.p99);
          legs[kind].bad += got.bad;
          console.error(`${kind} ${side === 'a' ? 'primary only' : 'with replica'}: ${fmt(got.rps)} req/s, p99 ${got.p99} ms`);
        }
      }
    }
    for (const n of running.splice(0)) await n.server.stop();

    // 2. The file stores, one node at a time with its own worker.
    const files: Record<'local' | 'database', FileFigures[]> = { local: [], database: [] };
    for (let r = 0; r < rounds; r++) {
      for (const store of ['local', 'database', 'database', 'local'] as const) {
        const n = await node(['--data-dir', dir(`files-${store}`), ...onPrimary, '--file-store', store]);
        running.push(n);
        const got = await exportAndDownload(n, key);
        files[store].push(got);
        console.error(`${store}: export ${got.exportSeconds.toFixed(1)} s, ${fmt(got.bytes / 1e6, 1)} MB, download ${fmt(got.downloadMBs, 1)} MB/s, range ${fmt(got.rangeMBs, 1)} MB/s`);
        await running.pop()!.server.stop();
      }
    }

    const lines = [
      `bench:replicas — ${fmt(people)} people, ${rounds} rounds of A B B A, ${seconds} s legs, ${connections} connections over two nodes`,
      '',
      '| leg | primary only, req/s (median) | with replica, req/s (median) | **with / without** | p99 ms without / with | non-2xx |',
      '|---|---|---|---|---|---|',
      ...(['collect', 'search'] as const).map((k) => {
        const l = legs[k];
        return `| ${k} | ${fmt(median(l.a))} | ${fmt(median(l.b))} | **${(median(l.b) / median(l.a)).toFixed(2)}** | ${fmt(median(l.p99a))} / ${fmt(median(l.p99b))} | ${l.bad} |`;
      }),
      '',
      '| file store | export s | download MB/s | range download MB/s |',
      '|---|---|---|---|',
      ...(['local', 'database'] as const).map((s) => `| ${s} | ${median(files[s].map((f) => f.exportSeconds)).toFixed(1)} | ${fmt(median(files[s].map((f) => f.downloadMBs)), 1)} | ${fmt(median(files[s].map((f) => f.rangeMBs)), 1)} |`),
      `| **database / local** (throughput) | **${(median(files.local.map((f) => f.exportSeconds)) / median(files.database.map((f) => f.exportSeconds))).toFixed(2)}** | **${(median(files.database.map((f) => f.downloadMBs)) / median(files.local.map((f) => f.downloadMBs))).toFixed(2)}** | **${(median(files.database.map((f) => f.rangeMBs)) / median(files.local.map((f) => f.rangeMBs))).toFixed(2)}** |`,
    ];
    console.log(lines.join('\n'));
    await replica.stop();
  } finally {
    for (const n of running) await n.server.stop().catch(() => undefined);
    await primary.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

await main();
