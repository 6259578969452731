// Builds the search index of every stored record: for a records.db made before the index existed,
// and for a dataset whose layout changed (reconcile-datasets.ts).
import type { Database } from 'better-sqlite3';
import { datasetNames, type DatasetName } from '../../datasets/datasets.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { SqliteIndexWriter } from './sqlite-index-writer.js';
import type { StoredValue } from '../stored-record.js';
import { dictionariesOf } from './record-dictionaries.js';

export function reindexAll(db: Database, layouts: Readonly<Record<DatasetName, IndexLayout>>): void {
  for (const d of datasetNames) reindexDataset(db, d, layouts[d]);
}

/** Indexes every stored record of one dataset into its (empty) search tables, 1,000 records per transaction. */
export function reindexDataset(db: Database, d: DatasetName, layout: IndexLayout): void {
  const writer = new SqliteIndexWriter(db, d, layout);
  const page = db.prepare<[number], { id: number; record: StoredValue }>(`SELECT id, record FROM ${d}_records WHERE id > ? ORDER BY id LIMIT 1000`);
  const dictionaries = dictionariesOf(db);
  let after = -1;
  for (;;) {
    const rows = page.all(after);
    if (rows.length === 0) break;
    db.transaction(() => {
      for (const r of rows) writer.write(r.id, writer.documents(dictionaries.parse(r.record), true));
      writer.flush();
    }).immediate();
    after = rows[rows.length - 1]!.id;
  }
}
