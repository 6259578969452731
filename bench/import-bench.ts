// bench:import — records/s importing 100,000 generated clean records into a new SQLite store
// (with the search index, and in bulk-load mode with the index built afterwards), against two
// baselines measured in the same run on the same file:
//   read: gunzip + split lines + JSON.parse (what any importer must at least do), and
//   bare insert: the same lines INSERTed as-is into a one-table SQLite file in large transactions.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../src/config/config.js';
import { importFile } from '../src/ingest/import-file.js';
import { openLines } from '../src/ingest/line-reader.js';
import { openRuntime } from '../src/runtime.js';
import { benchRoot, generatedPeople } from './bench-data.js';

const people = Number(process.env['BENCH_PEOPLE'] ?? 100_000);
/** BENCH_DEFERRED=0 leaves out the bulk-load legs (at 1M they take longer than the searchable import). */
const withDeferred = process.env['BENCH_DEFERRED'] !== '0';

async function readBaseline(file: string): Promise<number> {
  const started = performance.now();
  let n = 0;
  for await (const line of openLines(file).lines()) {
    if (line) {
      JSON.parse(line);
      n++;
    }
  }
  return n / ((performance.now() - started) / 1000);
}

async function bareInsert(file: string, dir: string): Promise<number> {
  const dbFile = join(dir, 'bare.db');
  rmSync(dbFile, { force: true });
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, record TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (id, record) VALUES (?, ?)');
  const tx = db.transaction((rows: [number, string][]) => rows.forEach(([id, r]) => insert.run(id, r)));
  const started = performance.now();
  let batch: [number, string][] = [];
  let n = 0;
  for await (const line of openLines(file).lines()) {
    if (!line) continue;
    batch.push([(JSON.parse(line) as { id: number }).id, line]);
    if (batch.length === 5000) {
      tx(batch);
      n += batch.length;
      batch = [];
    }
  }
  tx(batch);
  n += batch.length;
  const rate = n / ((performance.now() - started) / 1000);
  db.close();
  return rate;
}

/** Bytes of the files under a directory. */
function diskBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
}

/** Records/s of the import, and (deferred mode) of the index build that follows it; the store's bytes per record after it. */
async function rollcallImport(file: string, dir: string, deferIndex: boolean): Promise<{ load: number; index: number | null; bytesPerRecord: number; postings: string }> {
  const dataDir = join(dir, deferIndex ? 'deferred' : 'store');
  rmSync(dataDir, { recursive: true, force: true });
  const rt = await openRuntime(loadConfig({}, { dataDir }));
  try {
    const report = await importFile(rt.store, rt.datasets.employee_clean, file, { deferIndex });
    if (report.rejected > 0 || report.imported !== people) throw new Error(`unexpected import result ${JSON.stringify(report)}`);
    let index: number | null = null;
    if (deferIndex) {
      const started = performance.now();
      const indexed = await rt.store.employees.indexPending('employee_clean');
      index = indexed / ((performance.now() - started) / 1000);
    }
    await rt.store.close();
    const built = report.postings;
    const postings = `postings of ${report.postingsCollected ?? 0} parts collected while importing, ${built?.shards ?? 0} built after the last record in ${(built?.seconds ?? 0).toFixed(1)} s`;
    return { load: report.imported / report.seconds, index, bytesPerRecord: diskBytes(dataDir) / people, postings };
  } finally {
    await rt.store.close();
  }
}

async function main(): Promise<void> {
  const files = await generatedPeople(people);
  const dir = join(benchRoot(), 'import');
  mkdirSync(dir, { recursive: true });
  const read = await readBaseline(files.clean);
  const bare = await bareInsert(files.clean, dir);
  const full = await rollcallImport(files.clean, dir, false);
  const deferred = withDeferred ? await rollcallImport(files.clean, dir, true) : null;
  const ours = full.load;
  const mb = statSync(files.clean).size / 1e6;
  console.log(`\nbench:import — ${people} clean records (${mb.toFixed(0)} MB gzip), ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}\n`);
  console.log('| leg | records/s | rollcall / leg |');
  console.log('|---|---|---|');
  console.log(`| baseline: gunzip + split + JSON.parse | ${Math.round(read)} | ${(ours / read).toFixed(2)} |`);
  console.log(`| baseline: bare INSERT of the lines (no validation, no lookups) | ${Math.round(bare)} | ${(ours / bare).toFixed(2)} |`);
  console.log(`| rollcall import (validate + upsert + shorthand + search index) | ${Math.round(ours)} | 1.00 |`);
  if (deferred) {
    console.log(`| rollcall import --defer-index (records searchable after \`rollcall index\`) | ${Math.round(deferred.load)} | ${(ours / deferred.load).toFixed(2)} |`);
    console.log(`| rollcall index (the deferred search index) | ${Math.round(deferred.index!)} | ${(ours / deferred.index!).toFixed(2)} |`);
  }
  console.log(`\nsearchable import: ${full.postings}`);
  console.log(`store on disk after the searchable import: ${(full.bytesPerRecord / 1024).toFixed(1)} KB per record (${((full.bytesPerRecord * people) / 1e9).toFixed(2)} GB)${deferred ? `; after the deferred import and index: ${(deferred.bytesPerRecord / 1024).toFixed(1)} KB per record` : ''}`);
  console.log(`\ntarget: searchable import >= 5,000 records/s: ${ours >= 5_000 ? 'met' : 'NOT met'} (${Math.round(ours)})${deferred ? `; import --defer-index >= 10,000 records/s: ${deferred.load >= 10_000 ? 'met' : 'NOT met'}` : ''}`);
}

await main();
