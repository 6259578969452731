// bench:patterns — patterns on text columns (wildcard, regexp, fuzzy, match with fuzziness,
// match_phrase_prefix) on bench:search's store, in process: each query expanded on the shards'
// word lists against the same query expanded on FTS5's vocabulary (the way before the lists,
// and still the way for a shard built without them), in the same run. Both must find the same
// total. The store's postings are brought up to date first, so every shard has its lists.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { layoutsOf, loadDatasets } from '../src/datasets/datasets.js';
import { loadConfig } from '../src/config/config.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { openRuntime, storeDir } from '../src/runtime.js';
import { SqliteSearchStore } from '../src/store/sqlite/sqlite-search-store.js';
import { benchRoot, searchStore } from './bench-data.js';

const sizes = (process.env['BENCH_SIZES'] ?? '100000,1000000').split(',').map(Number);
const runs = Number(process.env['BENCH_RUNS'] ?? 7);

const queries: Record<string, unknown> = {
  'wildcard full_name *an*': { wildcard: { full_name: '*an*' } },
  'fuzzy full_name jonh': { fuzzy: { full_name: 'jonh' } },
  'match description experiense~': { match: { description: { query: 'experiense', fuzziness: 'AUTO' } } },
  'regexp headline eng.*r': { regexp: { headline: 'eng.*r' } },
  'nested wildcard experience.title *ngin*': { nested: { path: 'experience', query: { wildcard: { 'experience.title': '*ngin*' } } } },
  'match_phrase_prefix headline "senior s"': { match_phrase_prefix: { headline: 'senior s' } },
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Row { size: number; name: string; total: number; fts5: number; lists: number }

async function measure(people: number): Promise<Row[]> {
  const dataDir = await searchStore(people, false);
  const config = loadConfig({ ROLLCALL_LOG_LEVEL: 'error' }, { dataDir });
  const rt = await openRuntime(config);
  try {
    const report = await rt.store.employees.refreshPostings?.('employee_clean');
    if (report && report.shards > 0) console.error(`built ${report.shards} shards' postings in ${report.seconds.toFixed(0)} s`);
  } finally {
    await rt.store.close();
  }
  const datasets = loadDatasets();
  const db = new Database(join(storeDir(config), 'records.db'), { readonly: true });
  const lists = new SqliteSearchStore(db, layoutsOf(datasets));
  // The store as it was before the lists: every text column's terms from FTS5's vocabulary.
  const fts5 = new SqliteSearchStore(db, layoutsOf(datasets), { wordLists: false });
  const rows: Row[] = [];
  for (const [name, query] of Object.entries(queries)) {
    const request = parseSearchRequest({ query }, { mapping: datasets.employee_clean.mapping, now: Date.now() });
    const time = async (store: SqliteSearchStore): Promise<{ ms: number; total: number }> => {
      const times: number[] = [];
      let total = -1;
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        total = (await store.search('employee_clean', request, null, 1000)).total;
        times.push(performance.now() - started);
      }
      return { ms: median(times), total };
    };
    const before = await time(fts5);
    const after = await time(lists);
    if (before.total !== after.total) throw new Error(`${name}: ${before.total} hits from FTS5's vocabulary, ${after.total} from the word lists`);
    if (lists.lastVocabulary !== 'postings') throw new Error(`${name}: the word lists were not used`);
    rows.push({ size: people, name, total: after.total, fts5: before.ms, lists: after.ms });
    console.error(`${people} ${name}: ${before.ms.toFixed(1)} -> ${after.ms.toFixed(1)} ms`);
  }
  db.close();
  return rows;
}

const rows: Row[] = [];
for (const n of sizes) {
  if (n >= 1_000_000 && !existsSync(join(benchRoot(), `search-${n}`)) && !process.env['BENCH_PREPARE']) {
    console.error(`skipping ${n}: prepare it first (BENCH_PREPARE=1 generates and imports; takes a while)`);
    continue;
  }
  rows.push(...(await measure(n)));
}
console.log(`\nbench:patterns — in process, median of ${runs} runs, first page of 1,000 ids with the total\n`);
console.log('| people | query | total | FTS5 vocabulary ms | word lists ms | ratio |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.size.toLocaleString('en-US')} | \`${r.name}\` | ${r.total.toLocaleString('en-US')} | ${r.fts5.toFixed(1)} | ${r.lists.toFixed(1)} | ${(r.fts5 / r.lists).toFixed(0)}x |`);
