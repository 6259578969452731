// bench:collect — collect-by-id over HTTPS with keep-alive, 50 connections, random ids from
// 100,000 imported clean records, against the same server's ceiling route (a precomputed record,
// no auth, credits or store). Each leg runs twice, interleaved, to even out a noisy machine.
// Collect runs twice per round: as a client without Accept-Encoding (curl, autocannon) gets it,
// and with `Accept-Encoding: gzip` (what Python requests, Node's fetch and most HTTP libraries
// send). The embedded store inflates a record deflated with its dictionary for both; only a
// record kept as a gzip member (an earlier version's form) goes to the second as it is kept.
// A third collect leg reads the Multi-source records of the same people (target: within 1.3x of
// Clean's throughput in the same run).
import { cpus } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config/config.js';
import { createKey } from '../src/domain/keys.js';
import { importFile } from '../src/ingest/import-file.js';
import { openRuntime } from '../src/runtime.js';
import { startServer } from '../test/helpers/processes.js';
import { benchRoot, generatedMultiSource, generatedPeople } from './bench-data.js';

const people = Number(process.env['BENCH_PEOPLE'] ?? 100_000);
const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const connections = 50;
/** BENCH_REQUEST_LOG=1: the server writes its request log line per request (to a file, as an operator's would). */
const requestLog = process.env['BENCH_REQUEST_LOG'] === '1';
/**
 * BENCH_OPERATIONS=1: two servers on the same store, one with per-request metrics, usage counts
 * and the request log (to a file), one with none of them; their legs interleave, so both see the
 * same machine, and the report is each one's collect / ceiling.
 */
const operations = process.env['BENCH_OPERATIONS'] === '1';

async function prepare(dataDir: string): Promise<string> {
  const config = loadConfig({}, { dataDir });
  const rt = await openRuntime(config);
  try {
    if ((await rt.store.employees.count('employee_clean')) < people) {
      const files = await generatedPeople(people);
      const report = await importFile(rt.store, rt.datasets.employee_clean, files.clean);
      console.error(`imported ${report.imported} clean records in ${report.seconds.toFixed(1)} s`);
    }
    if ((await rt.store.employees.count('employee_multi_source')) < people) {
      const report = await importFile(rt.store, rt.datasets.employee_multi_source, await generatedMultiSource(people));
      console.error(`imported ${report.imported} multi-source records in ${report.seconds.toFixed(1)} s`);
    }
    const key = await createKey(rt, { name: 'bench', searchCredits: 0, collectCredits: 1_000_000_000, rateLimits: { collect: { limit: 0, windowMs: 1000 } } });
    return key.api_key;
  } finally {
    await rt.store.close();
  }
}

interface Leg {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function leg(url: string, ca: string, apiKey: string | null, gzip = false, dataset = 'employee_clean'): Promise<Leg> {
  const firstId = 100_000_001;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    tlsOptions: { ca },
    headers: { ...(apiKey ? { apikey: apiKey } : {}), ...(gzip ? { 'accept-encoding': 'gzip' } : {}) },
    requests: [
      {
        setupRequest: (req) =>
          apiKey ? { ...req, path: `/cdapi/v2/${dataset}/collect/${firstId + Math.floor(Math.random() * people)}` } : req,
      },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx + result.errors };
}

async function operationsLegs(dataDir: string, apiKey: string): Promise<void> {
  const plain = await startServer(['--data-dir', dataDir, '--bench-ceiling'], { ROLLCALL_LOG_LEVEL: 'error', ROLLCALL_REQUEST_METRICS: 'false', ROLLCALL_REQUEST_LOG: 'false' });
  const operated = await startServer(['--data-dir', dataDir, '--bench-ceiling'], { ROLLCALL_LOG_LEVEL: 'info', ROLLCALL_LOG_FILE: join(dataDir, 'requests.log') });
  try {
    const ca = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
    const servers = { plain, operated };
    const results: Record<keyof typeof servers, { ceiling: Leg[]; collect: Leg[] }> = { plain: { ceiling: [], collect: [] }, operated: { ceiling: [], collect: [] } };
    for (const s of Object.values(servers)) await leg(`${s.baseUrl.replace(/\/cdapi$/, '')}/__bench/ceiling`, ca, null); // warm-up
    for (let round = 0; round < 3; round++) {
      for (const name of round % 2 === 0 ? (['plain', 'operated'] as const) : (['operated', 'plain'] as const)) {
        const origin = servers[name].baseUrl.replace(/\/cdapi$/, '');
        results[name].ceiling.push(await leg(`${origin}/__bench/ceiling`, ca, null));
        results[name].collect.push(await leg(origin, ca, apiKey));
      }
    }
    const avg = (xs: Leg[], k: keyof Leg) => xs.reduce((t, x) => t + x[k], 0) / xs.length;
    console.log(`\nbench:collect, operations on and off — ${people} clean records, ${connections} connections, ${seconds} s legs, 3 rounds interleaved, ${cpus().length} cores, node ${process.version}\n`);
    console.log('| server | ceiling req/s | collect req/s | collect p99 ms | collect / ceiling |');
    console.log('|---|---|---|---|---|');
    const ratio = (n: keyof typeof servers) => avg(results[n].collect, 'rps') / avg(results[n].ceiling, 'rps');
    for (const n of ['plain', 'operated'] as const) {
      const label = n === 'plain' ? 'no request metrics, usage or log' : 'request metrics, usage counts and request log (file)';
      console.log(`| ${label} | ${Math.round(avg(results[n].ceiling, 'rps'))} | ${Math.round(avg(results[n].collect, 'rps'))} | ${avg(results[n].collect, 'p99').toFixed(1)} | ${ratio(n).toFixed(3)} |`);
    }
    console.log(`\ndrop in collect / ceiling with operations on: ${(ratio('plain') - ratio('operated')).toFixed(3)} (target <= 0.03); per round: ${results.plain.collect.map((c, i) => (c.rps / results.plain.ceiling[i]!.rps - results.operated.collect[i]!.rps / results.operated.ceiling[i]!.rps).toFixed(3)).join(', ')}`);
  } finally {
    await plain.stop();
    await operated.stop();
  }
}

async function main(): Promise<void> {
  const dataDir = join(benchRoot(), `collect-${people}`);
  const apiKey = await prepare(dataDir);
  if (operations) return operationsLegs(dataDir, apiKey);
  const server = await startServer(['--data-dir', dataDir, '--bench-ceiling'], requestLog ? { ROLLCALL_LOG_LEVEL: 'info', ROLLCALL_LOG_FILE: join(dataDir, 'requests.log') } : { ROLLCALL_LOG_LEVEL: 'error' });
  try {
    const ca = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
    const origin = server.baseUrl.replace(/\/cdapi$/, '');
    await leg(`${origin}/__bench/ceiling`, ca, null); // warm-up
    const ceilings: Leg[] = [];
    const collects: Leg[] = [];
    const gzipped: Leg[] = [];
    const multi: Leg[] = [];
    for (let round = 0; round < 2; round++) {
      ceilings.push(await leg(`${origin}/__bench/ceiling`, ca, null));
      collects.push(await leg(origin, ca, apiKey));
      gzipped.push(await leg(origin, ca, apiKey, true));
      multi.push(await leg(origin, ca, apiKey, false, 'employee_multi_source'));
    }
    const avg = (xs: Leg[], k: keyof Leg) => xs.reduce((s, x) => s + x[k], 0) / xs.length;
    const ceiling = avg(ceilings, 'rps');
    const collect = avg(collects, 'rps');
    const rows = [
      ['ceiling (precomputed record, no auth/credits/store)', ceiling, avg(ceilings, 'p50'), avg(ceilings, 'p99'), avg(ceilings, 'non2xx')],
      ['collect by random id (auth + rate limit + credits + store)', collect, avg(collects, 'p50'), avg(collects, 'p99'), avg(collects, 'non2xx')],
      ['the same with Accept-Encoding: gzip', avg(gzipped, 'rps'), avg(gzipped, 'p50'), avg(gzipped, 'p99'), avg(gzipped, 'non2xx')],
      ['Multi-source collect by random id (same people)', avg(multi, 'rps'), avg(multi, 'p50'), avg(multi, 'p99'), avg(multi, 'non2xx')],
    ] as const;
    console.log(`\nbench:collect — ${people} clean records, ${connections} connections, ${seconds} s x 2 rounds, request log ${requestLog ? 'on' : 'off'}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}\n`);
    console.log('| leg | req/s | p50 ms | p99 ms | non-2xx |');
    console.log('|---|---|---|---|---|');
    for (const [name, rps, p50, p99, bad] of rows) console.log(`| ${name} | ${Math.round(rps)} | ${p50.toFixed(1)} | ${p99.toFixed(1)} | ${bad} |`);
    console.log(`\ncollect / ceiling = ${(collect / ceiling).toFixed(2)} (target >= 0.5); with gzip: ${(avg(gzipped, 'rps') / ceiling).toFixed(2)}`);
    console.log(`Multi-source collect / Clean collect = ${(avg(multi, 'rps') / collect).toFixed(2)} (target: Clean within 1.3x, i.e. >= 0.77)`);
  } finally {
    await server.stop();
  }
  if (!existsSync(dataDir)) throw new Error('data dir vanished');
}

await main();
