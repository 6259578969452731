// Brings records.db in line with the dataset registry at start-up: a dataset the file has no
// tables for gets them; a dataset whose index layout changed (its mapping was edited) gets its
// search tables made anew and every record indexed again. Each dataset's layout fingerprint is
// kept in `dataset_schemas`, and written only once its tables match, so a start-up interrupted
// half-way repeats the work on the next start.
import type { Database } from 'better-sqlite3';
import { datasetNames, type DatasetName } from '../../datasets/datasets.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { schemaFingerprint } from '../sql/search-tables.js';
import { datasetTables } from './migrations.js';
import { reindexDataset } from './reindex.js';
import { fieldTotalsTable, lengthsSchema, lengthsTable } from './field-lengths.js';
import { searchSchema, vocabTable, vocabularySchema } from './search-schema.js';
import { buildShard, numberBucketsTable, numberPairsTable, postingShardsTable, postingsSchema, postingsTable, staleShards } from './postings.js';

/** The search tables of dataset `d`, whatever layout made them (an FTS5 table drops its shadow tables with it). */
function searchTables(db: Database, d: DatasetName): string[] {
  const rows = db.prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all();
  const own = (kind: string, name: string): boolean => name.startsWith(`${d}_${kind}_`);
  return rows
    .filter((r) => (own('fts', r.name) && r.sql.startsWith('CREATE VIRTUAL TABLE')) || own('num', r.name) || own('parent', r.name) || [vocabTable(d), postingsTable(d), numberBucketsTable(d), numberPairsTable(d), postingShardsTable(d), lengthsTable(d), fieldTotalsTable(d)].includes(r.name))
    .map((r) => r.name);
}

/**
 * `madeNow`: the numbered migrations created the legacy datasets' tables in this start-up, so they
 * are the layout of this very code; tables from an earlier start without a fingerprint may have
 * been made for another layout (an earlier release) and are rebuilt. `log` hears of each dataset
 * indexed again (that can take minutes).
 */
export function reconcileDatasets(db: Database, layouts: Readonly<Record<DatasetName, IndexLayout>>, madeNow: boolean, log: (message: string) => void = () => undefined): void {
  const known = db.prepare<[string], { layout: string }>('SELECT layout FROM dataset_schemas WHERE dataset = ?');
  const save = db.prepare<[string, string, string]>('INSERT INTO dataset_schemas (dataset, layout, updated_at) VALUES (?, ?, ?) ON CONFLICT (dataset) DO UPDATE SET layout = excluded.layout, updated_at = excluded.updated_at');
  const hasTable = db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?");
  for (const d of datasetNames) {
    const layout = layouts[d];
    const fingerprint = schemaFingerprint(d, layout);
    // The usual start-up: nothing to do, and no write lock taken to find that out.
    if (known.get(d)?.layout === fingerprint) continue;
    const rebuild = db.transaction((): boolean => {
      const row = known.get(d);
      if (row?.layout === fingerprint) return false;
      if (hasTable.get(`${d}_records`)!.n === 0) {
        db.exec(datasetTables(d, layout));
      } else if (row !== undefined || !madeNow) {
        for (const table of searchTables(db, d)) db.exec(`DROP TABLE ${table}`);
        db.exec(`${searchSchema(d, layout)}\n${vocabularySchema(d, layout)}\n${postingsSchema(d)}\n${lengthsSchema(d)}`);
        db.exec(`DELETE FROM ${d}_index_queue`);
        return true;
      }
      // (No fingerprint, tables made by the numbered migrations just now: adopted.)
      save.run(d, fingerprint, new Date().toISOString());
      return false;
    }).immediate();
    if (rebuild) {
      const started = performance.now();
      log(`${d}: its index tables change with this version; indexing its records again (once)...`);
      reindexDataset(db, d, layout);
      for (const shard of staleShards(db, d, layout)) buildShard(db, d, layout, shard);
      save.run(d, fingerprint, new Date().toISOString());
      log(`${d}: indexed again in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  }
}
