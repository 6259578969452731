// What BM25 needs beside the FTS5 index (src/search/bm25.ts), for every document type's token
// columns (the record's and each nested entry's, as Elasticsearch scores nested entries as
// documents of their own):
//   {d}_lengths:      record id → each of its documents' column lengths in the indexed version
//                     (src/search/doc-lengths.ts, as varints; a text column's tokens without gap
//                     fillers, a keyword column's distinct values);
//   {d}_field_totals: (type, col) → documents with a value and their summed lengths (the field
//                     statistics docCount and sumTotalTermFreq), kept by the index writer as it
//                     writes and removes documents.
// FTS5 keeps each row's size, but counting the filler tokens that keep array values apart, and
// its totals likewise; these are the lengths Lucene would store.
import type { Database } from 'better-sqlite3';
import type { DatasetName } from '../../datasets/datasets.js';
import { encodeVarints, indexDocuments, type IndexDoc } from '../../search/index-documents.js';
import { documentLengths, encodeRecordLengths } from '../../search/doc-lengths.js';
import type { IndexLayout } from '../../search/index-layout.js';
import type { FieldStats } from '../../search/bm25.js';
import type { StoredValue } from '../stored-record.js';
import { dictionariesOf } from './record-dictionaries.js';
import { ftsTable } from './search-schema.js';
import { docsPerRecord, fieldTotalsTable, lengthsTable } from '../sql/search-tables.js';
import { Totals } from '../sql/totals.js';
import { varints } from './postings.js';

export { fieldTotalsTable, lengthsTable };

const lengthsColumns = 'id INTEGER PRIMARY KEY, lens BLOB NOT NULL';
const totalsColumns = 'type TEXT NOT NULL, col INTEGER NOT NULL, docs INTEGER NOT NULL, tokens INTEGER NOT NULL, PRIMARY KEY (type, col)';

const lengthsTableSql = (d: DatasetName): string => `CREATE TABLE IF NOT EXISTS ${lengthsTable(d)} (${lengthsColumns});`;
const totalsTableSql = (d: DatasetName): string => `CREATE TABLE IF NOT EXISTS ${fieldTotalsTable(d)} (${totalsColumns}) WITHOUT ROWID;`;

export function lengthsSchema(d: DatasetName): string {
  return `${lengthsTableSql(d)}\n${totalsTableSql(d)}`;
}

/** SQL adding one document's lengths to the totals (negative: removing them). */
export const addTotalsSql = (d: DatasetName): string =>
  `INSERT INTO ${fieldTotalsTable(d)} (type, col, docs, tokens) VALUES (?, ?, ?, ?) ON CONFLICT (type, col) DO UPDATE SET docs = docs + excluded.docs, tokens = tokens + excluded.tokens`;

/**
 * Makes the tables; a store that had none gets the lengths of every record the index holds
 * (the deferred-index queue's older version while one is queued), 1,000 per transaction.
 */
export function applyLengthsSchema(db: Database, d: DatasetName, layout: IndexLayout, log?: (message: string) => void): void {
  const exists = db.prepare<[string], number>("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?").pluck();
  const made = db.prepare<[string], string>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").pluck();
  // Tables of this form already: nothing to do (a form of its own is made anew).
  if (made.get(lengthsTable(d))?.includes(lengthsColumns) === true && made.get(fieldTotalsTable(d))?.includes(totalsColumns) === true) return;
  // The totals table is made last, in the transaction that fills it: a start-up interrupted while
  // measuring leaves no totals table, and the next one measures again from the start.
  db.exec(`DROP TABLE IF EXISTS ${lengthsTable(d)}; DROP TABLE IF EXISTS ${fieldTotalsTable(d)};`);
  db.exec(lengthsTableSql(d));
  const totals = new Totals();
  const started = performance.now();
  let n = 0;
  if (exists.get(`${d}_records`) === 1 && exists.get(`${ftsTable(d, '')}_docsize`) === 1) {
    const page = db.prepare<[number], { id: number; rec: StoredValue | null }>(
      `SELECT r.id AS id, CASE WHEN q.id IS NULL THEN r.record ELSE q.old_record END AS rec FROM ${d}_records r LEFT JOIN ${d}_index_queue q ON q.id = r.id WHERE r.id > ? AND EXISTS (SELECT 1 FROM ${ftsTable(d, '')}_docsize s WHERE s.id = r.id) ORDER BY r.id LIMIT 1000`,
    );
    const dictionaries = dictionariesOf(db);
    const put = db.prepare<[number, Buffer]>(`INSERT INTO ${lengthsTable(d)} (id, lens) VALUES (?, ?)`);
    let after = -1;
    for (;;) {
      const rows = page.all(after);
      if (rows.length === 0) break;
      db.transaction(() => {
        for (const r of rows) {
          if (r.rec === null) continue;
          const docs = indexDocuments(layout, dictionaries.parse(r.rec));
          put.run(r.id, encodeVarints(encodeRecordLengths(layout, docs)));
          for (const doc of docs) totals.count(doc.type, doc.lengths, 1);
        }
      }).immediate();
      n += rows.length;
      after = rows[rows.length - 1]!.id;
    }
  }
  const add = (): void => {
    db.exec(totalsTableSql(d));
    const statement = db.prepare<[string, number, number, number]>(addTotalsSql(d));
    totals.each((type, col, docs, tokens) => statement.run(type, col, docs, tokens));
  };
  db.transaction(add).immediate();
  const seconds = (performance.now() - started) / 1000;
  if (seconds > 1) log?.(`${d}: measured the field lengths of ${n} records for relevance in ${seconds.toFixed(1)} s (once)`);
}

/**
 * Keeps the lengths and totals as documents are indexed and removed (in the caller's
 * transaction). The totals' changes add up in memory until `flush`, which the transaction calls
 * before it commits (one upsert per column a transaction: an upsert per column per record cost
 * ~10 % of an import); `discard` forgets them when it rolls back.
 */
export class LengthsWriter {
  private readonly put;
  private readonly drop;
  private readonly addTotals;
  private pending = new Totals();

  constructor(db: Database, d: DatasetName, private readonly layout: IndexLayout) {
    this.put = db.prepare<[number, Buffer]>(`INSERT OR REPLACE INTO ${lengthsTable(d)} (id, lens) VALUES (?, ?)`);
    this.drop = db.prepare<[number]>(`DELETE FROM ${lengthsTable(d)} WHERE id = ?`);
    this.addTotals = db.prepare<[string, number, number, number]>(addTotalsSql(d));
  }

  /** A record's documents were indexed. */
  add(recordId: number, docs: readonly IndexDoc[]): void {
    this.put.run(recordId, encodeVarints(encodeRecordLengths(this.layout, docs)));
    for (const doc of docs) this.pending.count(doc.type, doc.lengths, 1);
  }

  /** A record's documents (its indexed version's) left the index. */
  remove(recordId: number, oldDocs: readonly IndexDoc[]): void {
    this.drop.run(recordId);
    for (const doc of oldDocs) this.pending.count(doc.type, doc.lengths, -1);
  }

  /** Writes the totals' changes (before the transaction commits). */
  flush(): void {
    this.pending.each((type, col, n, tokens) => this.addTotals.run(type, col, n, tokens));
    this.pending = new Totals();
  }

  /** Forgets the totals' changes (the transaction rolled back). */
  discard(): void {
    this.pending = new Totals();
  }
}

/** Reads the field statistics and documents' lengths for scoring. */
export class FieldLengths {
  private readonly totals;
  private readonly some;

  constructor(db: Database, d: DatasetName, private readonly layout: IndexLayout) {
    this.totals = db.prepare<[string], { col: number; docs: number; tokens: number }>(`SELECT col, docs, tokens FROM ${fieldTotalsTable(d)} WHERE type = ?`);
    this.some = db.prepare<[string], { id: number; lens: Buffer }>(`SELECT id, lens FROM ${lengthsTable(d)} WHERE id IN (SELECT value FROM json_each(?))`);
  }

  /** Each column's statistics of one document type, by column. */
  stats(type = ''): Map<number, FieldStats> {
    const fields = this.layout.byPath.get(type)!;
    const out = new Map<number, FieldStats>();
    for (const r of this.totals.all(type)) if (r.docs > 0) out.set(r.col, { docCount: r.docs, tokens: r.tokens, keyword: fields.tokenFields[r.col]?.def.type !== 'text' });
    return out;
  }

  /** The lengths of some documents of a type, by document id (one the index does not hold is left out). */
  of(ids: readonly number[], type = ''): Map<number, number[]> {
    const records = [...new Set(ids.map((id) => (type === '' ? id : Math.floor(id / docsPerRecord))))];
    const flat = new Map<number, number[]>();
    for (let i = 0; i < records.length; i += 10_000) for (const r of this.some.iterate(JSON.stringify(records.slice(i, i + 10_000)))) flat.set(r.id, varints(r.lens));
    const out = new Map<number, number[]>();
    for (const id of ids) {
      const record = flat.get(type === '' ? id : Math.floor(id / docsPerRecord));
      const lens = record === undefined ? null : documentLengths(this.layout, record, type, type === '' ? 0 : id % docsPerRecord);
      if (lens !== null) out.set(id, lens);
    }
    return out;
  }
}
