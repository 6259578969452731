// bench:bulk — a Bulk Collect export of every record (match_all, limit = size) at 100,000 and
// 1,000,000 clean people, through `rollcall serve` over HTTPS, against plain single-stream gzip of
// the same JSON Lines at the same level in the same run; plus collect-by-id latency idle and while
// the export runs, the server's CPU use (cores) and its RSS during the export.
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, get } from 'node:https';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config/config.js';
import { createKey } from '../src/domain/keys.js';
import { openRuntime } from '../src/runtime.js';
import { httpsGet, httpsPost, startServer } from '../test/helpers/processes.js';
import { benchRoot } from './bench-data.js';

const sizes = (process.env['BENCH_SIZES'] ?? '100000,1000000').split(',').map(Number);
const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
/** A moderate load that leaves CPU for the export (not saturation: that is bench:collect). */
const connections = 10;
const firstId = 100_000_001;
const mb = (bytes: number): number => bytes / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const clockTicks = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100; } catch { return 100; }
})();

async function prepare(dataDir: string): Promise<string> {
  const rt = await openRuntime(loadConfig({}, { dataDir }));
  try {
    const people = await rt.store.employees.count('employee_clean');
    if (people < 1) throw new Error(`${dataDir} has no clean records: run bench:search (BENCH_PREPARE=1) first`);
    const unlimited = { limit: 0, windowMs: 1000 };
    const key = await createKey(rt, {
      name: 'bench-bulk', searchCredits: 0, collectCredits: 1_000_000_000,
      rateLimits: { collect: unlimited, bulk: unlimited, bulk_files: unlimited },
    });
    return key.api_key;
  } finally {
    await rt.store.close();
  }
}

/** The server's memory (kB fields of /proc/<pid>/status) and CPU ticks (/proc/<pid>/stat). */
function procSample(pid: number): { rss: number; anon: number; cpuSeconds: number; readBytes: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  // Fields after the parenthesized command name; utime and stime are fields 14 and 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  return {
    rss: kb('VmRSS'),
    // VmRSS counts the pages of records.db mapped by SQLite's mmap (up to 4 GB); RssAnon is the heap.
    anon: kb('RssAnon'),
    cpuSeconds: (Number(rest[11]) + Number(rest[12])) / clockTicks,
    readBytes: Number(/^read_bytes: (\d+)/m.exec(io)?.[1] ?? 0),
  };
}

interface Leg { rps: number; p50: number; p99: number; bad: number }

/** Collect by random id at a moderate load; `stop()` ends it early. */
function collectLeg(origin: string, ca: string, apiKey: string, people: number, duration: number) {
  const run = autocannon({
    url: origin,
    connections,
    duration,
    tlsOptions: { ca },
    headers: { apikey: apiKey },
    requests: [{ setupRequest: (req) => ({ ...req, path: `/cdapi/v2/employee_clean/collect/${firstId + Math.floor(Math.random() * people)}` }) }],
  }) as Promise<autocannon.Result> & { stop(): void }; // the returned tracker also has stop()
  const result = run.then((r): Leg => ({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad: r.non2xx + r.errors }));
  return { result, stop: () => run.stop() };
}

/** Streams `from` through `through` into `to`, returning the bytes and lines that came out. */
async function pump(from: string, through: Transform, to: string, append: boolean): Promise<{ bytes: number; lines: number }> {
  let bytes = 0;
  let lines = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      done(null, chunk);
    },
  });
  await pipeline(createReadStream(from), through, count, createWriteStream(to, { flags: append ? 'a' : 'w' }));
  return { bytes, lines };
}

interface Row {
  size: number; exportS: number; gzipBytes: number; jsonBytes: number; baselineS: number; cores: number;
  rssStart: number; rssMin: number; rssMax: number; anonMax: number; diskReadBytes: number;
  idle: Leg; during: Leg; duringS: number;
}

async function measure(size: number): Promise<Row> {
  const dataDir = join(benchRoot(), `search-${size}`);
  const apiKey = await prepare(dataDir);
  const server = await startServer(['--data-dir', dataDir], {
    ROLLCALL_LOG_LEVEL: 'warn',
    ROLLCALL_BULK_MAX_RECORDS: String(Math.max(size, 2_000_000)),
  });
  const pid = server.child.pid!;
  const ca = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
  const origin = server.baseUrl.replace(/\/cdapi$/, '');
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca });
  const tmpDir = join(benchRoot(), 'bulk-tmp');
  const jsonl = join(tmpDir, `export-${size}.jsonl`);
  const regz = join(tmpDir, `export-${size}.jsonl.gz`);
  let requestId: string | null = null;
  try {
    await collectLeg(origin, ca, apiKey, size, 2).result; // warm-up: TLS sessions, JIT, statements
    const idle = await collectLeg(origin, ca, apiKey, size, seconds).result;
    console.error(`${size}: idle collect ${Math.round(idle.rps)} req/s, p99 ${idle.p99} ms`);

    // The export, with the same collect load for its first BENCH_SECONDS (or until it is done).
    const start = procSample(pid);
    const t0 = performance.now();
    const posted = await httpsPost(`${server.baseUrl}/v2/data_requests/employee_clean/es_dsl`, { apikey: apiKey }, ca,
      { limit: size, es_dsl_query: { query: { match_all: {} } } }, agent);
    if (posted.status !== 201) throw new Error(`POST answered ${posted.status}: ${posted.body}`);
    requestId = (JSON.parse(posted.body) as { request_id: string }).request_id;
    const load = collectLeg(origin, ca, apiKey, size, seconds);
    let rssMin = start.rss;
    let rssMax = start.rss;
    let anonMax = start.anon;
    const sampler = setInterval(() => {
      const s = procSample(pid);
      rssMin = Math.min(rssMin, s.rss);
      rssMax = Math.max(rssMax, s.rss);
      anonMax = Math.max(anonMax, s.anon);
    }, 200);
    let names: string[] = [];
    let end = start;
    let t1 = t0;
    try {
      for (;;) {
        const res = await httpsGet(`${server.baseUrl}/v2/data_requests/${requestId}/files`, { apikey: apiKey }, ca, agent);
        if (res.status === 200) {
          t1 = performance.now();
          end = procSample(pid);
          names = (JSON.parse(res.body) as { data_request_files: string[] }).data_request_files;
          break;
        }
        if (res.status !== 202) throw new Error(`files list answered ${res.status}: ${res.body}`);
        await sleep(200);
      }
    } finally {
      clearInterval(sampler);
    }
    const exportS = (t1 - t0) / 1000;
    const duringS = Math.min(seconds, exportS);
    load.stop(); // no-op when the leg already ran its BENCH_SECONDS
    const during = await load.result;
    console.error(`${size}: export of ${names.length} parts in ${exportS.toFixed(1)} s`);

    // Sizes from disk; one download over HTTPS to check the served file is the one measured.
    const partPath = (name: string) => join(dataDir, 'files', 'data_requests', requestId!, name);
    const gzipBytes = names.reduce((n, name) => n + statSync(partPath(name)).size, 0);
    const first = await new Promise<number>((resolve, reject) => {
      get(`${server.baseUrl}/v2/data_requests/${requestId}/files/${names[0]}`, { headers: { apikey: apiKey }, agent }, (res) => {
        let n = 0;
        res.on('data', (d: Buffer) => (n += d.length));
        res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`download answered ${res.statusCode}`))));
      }).on('error', reject);
    });
    if (first !== statSync(partPath(names[0]!)).size) throw new Error(`downloaded ${first} bytes, file has ${statSync(partPath(names[0]!)).size}`);

    // Baseline input: the parts' JSON Lines, concatenated in order into one file.
    mkdirSync(tmpDir, { recursive: true });
    rmSync(jsonl, { force: true });
    let jsonBytes = 0;
    let records = 0;
    for (const name of names) {
      const out = await pump(partPath(name), createGunzip(), jsonl, true);
      jsonBytes += out.bytes;
      records += out.lines;
    }
    if (records !== size) throw new Error(`the parts hold ${records} records, expected ${size}`);
    // Baseline: one plain gzip stream of that file at zlib's default level, as `gzip` would.
    const b0 = performance.now();
    await pump(jsonl, createGzip(), regz, false);
    const baselineS = (performance.now() - b0) / 1000;
    console.error(`${size}: baseline gzip in ${baselineS.toFixed(1)} s`);

    return {
      size, exportS, gzipBytes, jsonBytes, baselineS,
      cores: (end.cpuSeconds - start.cpuSeconds) / exportS,
      rssStart: start.rss, rssMin, rssMax, anonMax, diskReadBytes: end.readBytes - start.readBytes,
      idle, during, duringS,
    };
  } finally {
    agent.destroy();
    await server.stop();
    rmSync(jsonl, { force: true });
    rmSync(regz, { force: true });
    if (requestId) rmSync(join(dataDir, 'files', 'data_requests', requestId), { recursive: true, force: true });
  }
}

const rows: Row[] = [];
for (const size of sizes) {
  if (!existsSync(join(benchRoot(), `search-${size}`))) {
    console.error(`skipping ${size}: no .bench-data/search-${size} (prepare it with bench:search, BENCH_PREPARE=1)`);
    continue;
  }
  rows.push(await measure(size));
}
console.log(`\nbench:bulk — match_all export, limit = size; collect legs ${connections} connections, ${seconds} s; ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}\n`);
for (const r of rows) {
  const f = (x: number, d = 1) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  console.log(`### ${r.size.toLocaleString('en-US')} records\n`);
  console.log('| figure | value |');
  console.log('|---|---|');
  const lines: [string, string][] = [
    ['records', r.size.toLocaleString('en-US')],
    ['export s (POST → files 200)', f(r.exportS)],
    ['records/s', f(r.size / r.exportS, 0)],
    ['gzip MB (sum of parts)', f(mb(r.gzipBytes))],
    ['MB/s gzip out', f(mb(r.gzipBytes) / r.exportS)],
    ['JSON Lines MB (uncompressed)', f(mb(r.jsonBytes))],
    ['JSON MB/s in', f(mb(r.jsonBytes) / r.exportS)],
    ['baseline s (one gzip stream, same level)', f(r.baselineS)],
    ['baseline JSON MB/s in', f(mb(r.jsonBytes) / r.baselineS)],
    ['**ratio baseline / export** (target ≥ 0.7)', `**${f(r.baselineS / r.exportS, 2)}**`],
    ['server CPU during export, cores', f(r.cores, 2)],
    ['server disk reads during export, MB', f(mb(r.diskReadBytes), 0)],
    ['server RSS start / min / max MB', `${f(mb(r.rssStart), 0)} / ${f(mb(r.rssMin), 0)} / ${f(mb(r.rssMax), 0)}`],
    ['server RssAnon max MB (heap, without mmap pages)', f(mb(r.anonMax), 0)],
    ['collect req/s idle / during', `${f(r.idle.rps, 0)} / ${f(r.during.rps, 0)}`],
    ['collect p50 ms idle / during', `${f(r.idle.p50)} / ${f(r.during.p50)}`],
    [`collect p99 ms idle / during (first ${f(r.duringS)} s)`, `${f(r.idle.p99)} / ${f(r.during.p99)}`],
    ['**collect p99 during / idle** (target ≤ 2)', `**${f(r.during.p99 / Math.max(r.idle.p99, 0.1), 2)}**`],
    ['collect non-2xx + errors idle / during', `${r.idle.bad} / ${r.during.bad}`],
  ];
  for (const [k, v] of lines) console.log(`| ${k} | ${v} |`);
  console.log('');
}
