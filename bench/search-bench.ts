// bench:search — the query set of search-queries.ts at 100,000 and 1,000,000 clean people:
// p50/p99 of the first page over HTTPS (the whole request: TLS, auth, credits, worker thread),
// the exact total, and, for the engine itself, in-process time against the hand-written SQL
// baseline on the same file (count + first 1,000 ids in the default order, for both). The same
// queries, with Multi-source field names, run over HTTPS against the Multi-source records of the
// same people in the same run (target: within 1.3x of Clean's p50).
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { createKey } from '../src/domain/keys.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { parseCursor } from '../src/domain/search-cursor.js';
import { openRuntime, storeDir } from '../src/runtime.js';
import { httpsPost, startServer } from '../test/helpers/processes.js';
import { benchRoot, searchStore } from './bench-data.js';
import { asMultiSource, benchQueries } from './search-queries.js';
import { storedText, type StoredValue } from '../src/store/stored-record.js';

const sizes = (process.env['BENCH_SIZES'] ?? '100000,1000000').split(',').map(Number);
const runs = Number(process.env['BENCH_RUNS'] ?? 20);
/** Only the queries whose name contains this text (to re-measure one after a change). */
const only = process.env['BENCH_QUERY'] ?? '';
const queries = benchQueries.filter((q) => only.split('|').some((part) => q.name.includes(part)));
// BENCH_MULTI=0 leaves out the Multi-source leg (and its import at a new size).
const withMulti = process.env['BENCH_MULTI'] !== '0';
// BENCH_BASELINES=0 leaves out the hand-written SQL (those reading fields out of the records take
// minutes at 1M people).
const withBaselines = process.env['BENCH_BASELINES'] !== '0';

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};


interface Row { name: string; total: number; p50: number; p99: number; engine: number; baseline: number; multiTotal: number; multiP50: number }

async function measure(people: number): Promise<Row[]> {
  const dataDir = await searchStore(people, withMulti);
  const config = loadConfig({ ROLLCALL_LOG_LEVEL: 'error' }, { dataDir });
  const rt = await openRuntime(config);
  const key = await createKey(rt, { name: 'bench', searchCredits: 1_000_000_000, collectCredits: 0, rateLimits: { search: { limit: 0, windowMs: 1000 } } });
  const layout = rt.datasets.employee_clean.layout;
  const db = new Database(join(storeDir(config), 'records.db'), { readonly: true });
  // Records are kept as gzip members; the baselines that read fields from them inflate them.
  db.function('record_text', { deterministic: true }, (v: unknown) => storedText(v as StoredValue));
  db.pragma('mmap_size = 4294967296');
  const server = await startServer(['--data-dir', dataDir], { ROLLCALL_LOG_LEVEL: 'error', ROLLCALL_SEARCH_TIMEOUT_MS: '60000' });
  const ca = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
  const rows: Row[] = [];
  try {
    /**
     * HTTPS timings of one query on one dataset, after 2 warm-up runs, its total, and the `after`
     * cursor of the page timed (reached once through the pages before it).
     */
    const overHttps = async (name: string, dataset: string, body: unknown, page = 1): Promise<{ times: number[]; total: number; after: string | null }> => {
      const times: number[] = [];
      let total = 0;
      // A keep-alive connection per query: the in-process timings between queries can outlast
      // the server's idle keep-alive timeout.
      const agent = new Agent({ keepAlive: true, maxSockets: 1, ca });
      let after: string | null = null;
      for (let p = 1; p < page; p++) {
        const res = await httpsPost(`${server.baseUrl}/v2/${dataset}/search/es_dsl${after ? `?after=${encodeURIComponent(after)}` : ''}`, { apikey: key.api_key }, ca, body, agent);
        after = res.headers['x-next-page-after'] as string | undefined ?? null;
        if (res.status !== 200 || after === null) throw new Error(`${name} (${dataset}): no page ${p + 1}: ${res.status} ${res.body.slice(0, 200)}`);
      }
      const url = `${server.baseUrl}/v2/${dataset}/search/es_dsl${after ? `?after=${encodeURIComponent(after)}` : ''}`;
      for (let i = 0; i < runs + 2; i++) {
        const t = performance.now();
        const res = await httpsPost(url, { apikey: key.api_key }, ca, body, agent).catch((e: Error) => {
          throw new Error(`${name}: ${e.message}\nserver stderr:\n${server.stderr().slice(-3000)}`);
        });
        if (res.status !== 200) throw new Error(`${name} (${dataset}): ${res.status} ${res.body}`);
        if (i >= 2) times.push(performance.now() - t);
        total = Number(res.headers['x-total-results']);
      }
      agent.destroy();
      return { times, total, after };
    };
    for (const q of queries) {
      const { times: http, total, after } = await overHttps(q.name, 'employee_clean', q.body, q.page);
      const multi = withMulti ? await overHttps(q.name, 'employee_multi_source', asMultiSource(q.body), q.page) : { times: [NaN], total: NaN };
      const request = parseSearchRequest(q.body, { mapping: rt.datasets.employee_clean.mapping, now: Date.now() });
      const cursor = after === null ? null : parseCursor(rt.datasets.employee_clean.cursorDate, request.sort, after);
      const engine: number[] = [];
      const base: number[] = [];
      const b = q.baseline(layout);
      const count = db.prepare(`SELECT count(*) AS n FROM (${b.sql})`);
      const page = db.prepare(`SELECT r.id FROM (${b.sql}) h JOIN employee_clean_records r ON r.id = h.id ORDER BY r.last_updated DESC, r.id DESC LIMIT 1001 OFFSET ${((q.page ?? 1) - 1) * 1000}`);
      for (let i = 0; i < Math.max(5, Math.floor(runs / 2)) + 1; i++) {
        const t0 = performance.now();
        const r = await rt.store.search.search('employee_clean', request, cursor, 1001);
        const t1 = performance.now();
        const n = withBaselines ? (count.get(...b.params) as { n: number }).n : r.total;
        if (withBaselines) page.all(...b.params);
        const t2 = performance.now();
        if (i > 0) { engine.push(t1 - t0); base.push(t2 - t1); }
        if (i === 0 && n !== r.total) console.error(`warning: ${q.name}: baseline total ${n} != engine total ${r.total}`);
      }
      rows.push({ name: q.name, total, p50: pct(http, 50), p99: pct(http, 99), engine: pct(engine, 50), baseline: pct(base, 50), multiTotal: multi.total, multiP50: pct(multi.times, 50) });
      console.error(`${people}: ${q.name}: ${pct(http, 50).toFixed(1)} ms`);
    }
    // The server's memory after the whole set (its search threads are in the same process).
    const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    memory.set(people, { rssAnonMb: kb('RssAnon') / 1024, peakMb: kb('VmHWM') / 1024 });
  } finally {
    await server.stop();
    db.close();
    await rt.store.close();
  }
  return rows;
}

const results = new Map<number, Row[]>();
const memory = new Map<number, { rssAnonMb: number; peakMb: number }>();
for (const n of sizes) {
  if (n >= 1_000_000 && !existsSync(join(benchRoot(), `search-${n}`)) && !process.env['BENCH_PREPARE']) {
    console.error(`skipping ${n}: prepare it first (BENCH_PREPARE=1 generates and imports; takes a while)`);
    continue;
  }
  results.set(n, await measure(n));
}
console.log(`\nbench:search — ${[...results.keys()].join(' and ')} clean people, ${runs} runs per query, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}\n`);
const ns = [...results.keys()];
console.log(`| query | ${ns.map((n) => `total @${n / 1000}k | HTTPS p50 / p99 ms @${n / 1000}k | engine / baseline ms @${n / 1000}k | ratio @${n / 1000}k`).join(' | ')} |`);
console.log(`|---|${ns.map(() => '---|---|---|---').join('|')}|`);
for (let i = 0; i < queries.length; i++) {
  const cells = ns.map((n) => {
    const r = results.get(n)![i]!;
    return `${r.total} | ${r.p50.toFixed(1)} / ${r.p99.toFixed(1)} | ${r.engine.toFixed(1)} / ${r.baseline.toFixed(1)} | ${(r.engine / Math.max(r.baseline, 0.01)).toFixed(2)}`;
  });
  console.log(`| ${queries[i]!.name} | ${cells.join(' | ')} |`);
}
if (withMulti) {
console.log('\nThe same queries on the Multi-source records of the same people (HTTPS p50 ms; target: Multi-source / Clean <= 1.3)\n');
console.log(`| query | ${ns.map((n) => `total @${n / 1000}k | Clean p50 @${n / 1000}k | Multi-source p50 @${n / 1000}k | ratio @${n / 1000}k`).join(' | ')} |`);
console.log(`|---|${ns.map(() => '---|---|---|---').join('|')}|`);
for (let i = 0; i < queries.length; i++) {
  const cells = ns.map((n) => {
    const r = results.get(n)![i]!;
    return `${r.multiTotal} | ${r.p50.toFixed(1)} | ${r.multiP50.toFixed(1)} | ${(r.multiP50 / Math.max(r.p50, 0.01)).toFixed(2)}`;
  });
  console.log(`| ${queries[i]!.name} | ${cells.join(' | ')} |`);
}
for (const n of ns) {
  const rows = results.get(n)!;
  const geo = Math.exp(rows.reduce((s, r) => s + Math.log(r.multiP50 / Math.max(r.p50, 0.01)), 0) / rows.length);
  console.log(`\n@${n / 1000}k: Multi-source / Clean, geometric mean of the p50 ratios = ${geo.toFixed(2)}`);
}
}
for (const [n, m] of memory) console.log(`\n@${n / 1000}k: server RssAnon after the query set ${m.rssAnonMb.toFixed(0)} MB (peak RSS ${m.peakMb.toFixed(0)} MB; target RssAnon <= 1024 MB at 1M)`);
