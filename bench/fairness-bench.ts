// bench:fairness — can one key's expensive searches starve another key? On the 100,000-person
// search store, key A keeps 4 searches of 50 infix wildcards in flight (each runs into the search
// budget, 3 s here), while key B sends one cheap search at a time (an exact full name). B's
// latency is measured with the per-key gate off (ROLLCALL_SEARCHES_PER_KEY=0) and on (1, the
// default), in the same run. Target (issue "Hardening"): B's p99 within a small bound of its
// idle p99 when A floods.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { createKey } from '../src/domain/keys.js';
import { openRuntime } from '../src/runtime.js';
import { httpsPost, startServer } from '../test/helpers/processes.js';
import { benchRoot } from './bench-data.js';

const dataDir = join(benchRoot(), 'search-100000');
const seconds = Number(process.env['BENCH_SECONDS'] ?? 20);
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

const rt = await openRuntime(loadConfig({ ROLLCALL_LOG_LEVEL: 'error' }, { dataDir }));
const unlimited = { search: { limit: 0, windowMs: 1000 } };
const a = await createKey(rt, { name: 'flood', searchCredits: 1e9, collectCredits: 0, rateLimits: unlimited });
const b = await createKey(rt, { name: 'victim', searchCredits: 1e9, collectCredits: 0, rateLimits: unlimited });
const [someone] = await rt.store.employees.sampleIds('employee_clean', 1);
const name = JSON.parse((await rt.store.employees.getJsonById('employee_clean', someone!))!)['full_name'] as string;
await rt.store.close();

const infix = Array.from({ length: 50 }, (_, i) => `*${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i * 7) % 26))}*`).join(' OR ');
const expensive = { query: { query_string: { query: infix, default_field: 'description' } } };
const cheap = { query: { term: { 'full_name.exact': name } } };

async function leg(perKey: string): Promise<{ idle: number[]; flooded: number[]; floodStatuses: Record<number, number> }> {
  const server = await startServer(['--data-dir', dataDir], { ROLLCALL_LOG_LEVEL: 'error', ROLLCALL_SEARCH_TIMEOUT_MS: '3000', ROLLCALL_SEARCHES_PER_KEY: perKey });
  const ca = readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8');
  const url = `${server.baseUrl}/v2/employee_clean/search/es_dsl?items_per_page=10`;
  const agentB = new Agent({ keepAlive: true, maxSockets: 1, ca });
  const timeB = async (): Promise<number> => {
    const t = performance.now();
    const res = await httpsPost(url, { apikey: b.api_key }, ca, cheap, agentB);
    if (res.status !== 200) throw new Error(`B: ${res.status} ${res.body}`);
    return performance.now() - t;
  };
  try {
    const idle: number[] = [];
    for (let i = 0; i < 3; i++) await timeB();
    for (let i = 0; i < 30; i++) idle.push(await timeB());
    let flooding = true;
    const floodStatuses: Record<number, number> = {};
    const agentA = new Agent({ keepAlive: true, maxSockets: 4, ca });
    const floods = Array.from({ length: 4 }, async () => {
      while (flooding) {
        const res = await httpsPost(url, { apikey: a.api_key }, ca, expensive, agentA);
        floodStatuses[res.status] = (floodStatuses[res.status] ?? 0) + 1;
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    const flooded: number[] = [];
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) flooded.push(await timeB());
    flooding = false;
    await Promise.all(floods);
    agentA.destroy();
    return { idle, flooded, floodStatuses };
  } finally {
    agentB.destroy();
    await server.stop();
  }
}

const off = await leg('0');
const on = await leg('1');
const row = (label: string, r: typeof off): string =>
  `| ${label} | ${pct(r.idle, 50).toFixed(1)} / ${pct(r.idle, 99).toFixed(1)} | ${r.flooded.length} | ${pct(r.flooded, 50).toFixed(1)} / ${pct(r.flooded, 99).toFixed(1)} | ${(pct(r.flooded, 99) / pct(r.idle, 99)).toFixed(1)} | ${JSON.stringify(r.floodStatuses)} |`;
console.log(`\nbench:fairness — key B's cheap searches while key A keeps 4 expensive ones in flight (${seconds} s, search budget 3 s, 2 search threads)\n`);
console.log('| per-key gate | B idle p50 / p99 ms | B searches while flooded | B flooded p50 / p99 ms | flooded p99 / idle p99 | A\'s answers |');
console.log('|---|---|---|---|---|---|');
console.log(row('off (ROLLCALL_SEARCHES_PER_KEY=0)', off));
console.log(row('on (1, the default)', on));
