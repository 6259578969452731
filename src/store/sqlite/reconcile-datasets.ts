// Brings records.db in line with the dataset registry at start-up: a dataset the file has no
// tables for gets them; a dataset whose index layout changed (its mapping was edited) gets its
// search tables made anew and every record indexed again. Each dataset's layout fingerprint is
// kept in `dataset_schemas`, and written only once its tables match, so a start-up interrupted
// half-way repeats the work on the next start.
import type { Database } from 'better-sqlite3';
import { datasetNames, type DatasetName } from '../../datasets/datasets.js';
import { layoutFingerprint, type IndexLayout } from '../../search/index-layout.js';
import { datasetTables } from './migrations.js';
import { reindexDataset } from './reindex.js';
import { searchSchema, vocabTable, vocabularySchema } from './search-schema.js';

export interface ReconcileReport {
  readonly created: DatasetName[];
  readonly reindexed: DatasetName[];
}

/** The search tables of dataset `d` whatever layout made them (FTS5 tables drop their shadow tables with them). */
function searchTables(db: Database, d: DatasetName): string[] {
  const rows = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
  const own = (kind: string) => (name: string) => name.startsWith(`${d}_${kind}_`);
  const virtual = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'").all().map((r) => r.name));
  const names = rows.map((r) => r.name);
  return [
    ...names.filter((n) => virtual.has(n) && own('fts')(n)),
    ...names.filter((n) => own('num')(n) || own('parent')(n)),
    ...names.filter((n) => n === vocabTable(d)),
  ];
}

export function reconcileDatasets(db: Database, layouts: Readonly<Record<DatasetName, IndexLayout>>, now = new Date()): ReconcileReport {
  const report: ReconcileReport = { created: [], reindexed: [] };
  const known = db.prepare<[string], { layout: string }>('SELECT layout FROM dataset_schemas WHERE dataset = ?');
  const save = db.prepare('INSERT INTO dataset_schemas (dataset, layout, updated_at) VALUES (?, ?, ?) ON CONFLICT (dataset) DO UPDATE SET layout = excluded.layout, updated_at = excluded.updated_at');
  const hasTable = db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?");
  for (const d of datasetNames) {
    const layout = layouts[d];
    const fingerprint = layoutFingerprint(layout);
    const rebuild = db.transaction((): boolean => {
      const row = known.get(d);
      if (row?.layout === fingerprint) return false;
      if (hasTable.get(`${d}_records`)!.n === 0) {
        db.exec(datasetTables(d, layout));
        report.created.push(d);
      } else if (row === undefined) {
        // Made by the numbered migrations for the layout of this very code: adopt it.
      } else {
        for (const table of searchTables(db, d)) db.exec(`DROP TABLE ${table}`);
        db.exec(`${searchSchema(d, layout)}\n${vocabularySchema(d, layout)}`);
        db.exec(`DELETE FROM ${d}_index_queue`);
        return true;
      }
      save.run(d, fingerprint, now.toISOString());
      return false;
    }).immediate();
    if (rebuild) {
      reindexDataset(db, d, layout);
      save.run(d, fingerprint, now.toISOString());
      report.reindexed.push(d);
    }
  }
  return report;
}
