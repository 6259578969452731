// What BM25 needs beside the FTS5 index (src/search/bm25.ts), for the record type's token columns:
//   {d}_lengths:      id → each column's length in the record's indexed version (varints; a text
//                     column's tokens without gap fillers, a keyword column's distinct values);
//   {d}_field_totals: col → documents with a value and their summed lengths (the field statistics
//                     docCount and sumTotalTermFreq), kept by the index writer as it writes and
//                     removes documents.
// FTS5 keeps each row's size, but counting the filler tokens that keep array values apart, and
// its totals likewise; these are the lengths Lucene would store.
import type { Database } from 'better-sqlite3';
import type { DatasetName } from '../../datasets/datasets.js';
import { columnLengths, encodeVarints, indexDocuments, rootOnly } from '../../search/index-documents.js';
import type { IndexLayout } from '../../search/index-layout.js';
import type { FieldStats } from '../../search/bm25.js';
import { storedText, type StoredValue } from '../stored-record.js';
import { ftsTable } from './search-schema.js';
import { fieldTotalsTable, lengthsTable } from '../sql/search-tables.js';
import { varints } from './postings.js';

export { fieldTotalsTable, lengthsTable };

export function lengthsSchema(d: DatasetName): string {
  return [
    `CREATE TABLE IF NOT EXISTS ${lengthsTable(d)} (id INTEGER PRIMARY KEY, lens BLOB NOT NULL);`,
    `CREATE TABLE IF NOT EXISTS ${fieldTotalsTable(d)} (col INTEGER PRIMARY KEY, docs INTEGER NOT NULL, tokens INTEGER NOT NULL);`,
  ].join('\n');
}

/** SQL adding one document's lengths to the totals (negative: removing them). */
export const addTotalsSql = (d: DatasetName): string =>
  `INSERT INTO ${fieldTotalsTable(d)} (col, docs, tokens) VALUES (?, ?, ?) ON CONFLICT (col) DO UPDATE SET docs = docs + excluded.docs, tokens = tokens + excluded.tokens`;

/**
 * Makes the tables; a store that had none gets the lengths of every record the index holds
 * (the deferred-index queue's older version while one is queued), 1,000 per transaction.
 */
export function applyLengthsSchema(db: Database, d: DatasetName, layout: IndexLayout, log?: (message: string) => void): void {
  const exists = db.prepare<[string], number>("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?").pluck();
  if (exists.get(lengthsTable(d)) === 1 && exists.get(fieldTotalsTable(d)) === 1) return;
  db.exec(lengthsSchema(d));
  // A dataset whose tables the reconciler makes later has no records yet.
  if (exists.get(`${d}_records`) === 0 || exists.get(`${ftsTable(d, '')}_docsize`) === 0) return;
  const root = layout.byPath.get('')!;
  const page = db.prepare<[number], { id: number; rec: StoredValue | null }>(
    `SELECT r.id AS id, CASE WHEN q.id IS NULL THEN r.record ELSE q.old_record END AS rec FROM ${d}_records r LEFT JOIN ${d}_index_queue q ON q.id = r.id WHERE r.id > ? AND EXISTS (SELECT 1 FROM ${ftsTable(d, '')}_docsize s WHERE s.id = r.id) ORDER BY r.id LIMIT 1000`,
  );
  const put = db.prepare<[number, Buffer]>(`INSERT OR REPLACE INTO ${lengthsTable(d)} (id, lens) VALUES (?, ?)`);
  const add = db.prepare<[number, number, number]>(addTotalsSql(d));
  const started = performance.now();
  let after = -1;
  let n = 0;
  for (;;) {
    const rows = page.all(after);
    if (rows.length === 0) break;
    db.transaction(() => {
      for (const r of rows) {
        if (r.rec === null) continue;
        const doc = indexDocuments(layout, JSON.parse(storedText(r.rec)) as Record<string, unknown>, undefined, rootOnly).find((x) => x.type === '')!;
        const lens = columnLengths(root, doc);
        put.run(r.id, encodeVarints(lens));
        lens.forEach((len, col) => len > 0 && add.run(col, 1, len));
      }
    }).immediate();
    n += rows.length;
    after = rows[rows.length - 1]!.id;
  }
  const seconds = (performance.now() - started) / 1000;
  if (seconds > 1) log?.(`${d}: measured the field lengths of ${n} records for relevance in ${seconds.toFixed(1)} s (once)`);
}

/** Reads the field statistics and documents' lengths for scoring. */
export class FieldLengths {
  private readonly totals;
  private readonly some;

  constructor(db: Database, d: DatasetName, private readonly layout: IndexLayout) {
    this.totals = db.prepare<[], { col: number; docs: number; tokens: number }>(`SELECT col, docs, tokens FROM ${fieldTotalsTable(d)}`);
    this.some = db.prepare<[string], { id: number; lens: Buffer }>(`SELECT id, lens FROM ${lengthsTable(d)} WHERE id IN (SELECT value FROM json_each(?))`);
  }

  /** Each root column's statistics, by column. */
  stats(): Map<number, FieldStats> {
    const root = this.layout.byPath.get('')!;
    const out = new Map<number, FieldStats>();
    for (const r of this.totals.all()) out.set(r.col, { docCount: r.docs, tokens: r.tokens, keyword: root.tokenFields[r.col]?.def.type !== 'text' });
    return out;
  }

  /** The lengths of some records, by id (a record the index does not hold is left out). */
  of(ids: readonly number[]): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (let i = 0; i < ids.length; i += 10_000) for (const r of this.some.iterate(JSON.stringify(ids.slice(i, i + 10_000)))) out.set(r.id, varints(r.lens));
    return out;
  }
}
