// Writes and removes a record's search documents (FTS5 rows, number rows keyed by the record's
// part, parent links, new terms
// of the term dictionary) in the caller's transaction. Removal re-derives the old documents from
// the old record, so number rows are deleted by primary key without a second index on `doc`;
// dictionary terms stay (a term without documents only widens an expansion by a term that
// matches nothing).
import type { Database, Statement } from 'better-sqlite3';
import type { DatasetName } from '../../datasets/datasets.js';
import { indexDocuments, type IndexDoc } from '../../search/index-documents.js';
import { LengthsWriter } from './field-lengths.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { parseTermKey, TermLog, type TermKey } from '../../search/index-terms.js';
import { column, docsPerRecord, ftsTable, numTable, parentTable, vocabTable } from './search-schema.js';
import { shardMarker, shardOf } from './postings.js';

interface TypeStatements {
  insertFts: Statement<unknown[]>;
  deleteFts: Statement<[number, number]>;
  insertNum: Statement<[number, number, number, number]>;
  deleteNum: Statement<[number, number, number, number]>;
  insertParent: Statement<[number, number]> | null;
  deleteParents: Statement<[number, number]> | null;
}

export class SqliteIndexWriter {
  private readonly types = new Map<string, TypeStatements>();
  private readonly insertTerm: Statement<[string, number, string]>;
  /** Terms of documents derived on this thread (imports derive them, with their terms, on parse workers). */
  private terms: TermLog;
  /** Marks a record's postings shard stale (postings.ts). */
  private readonly changed: (recordId: number) => void;
  /** The documents' field lengths and their totals (field-lengths.ts). */
  private readonly lengths: LengthsWriter;

  constructor(db: Database, d: DatasetName, private readonly layout: IndexLayout) {
    this.terms = new TermLog(layout);
    this.changed = shardMarker(db, d);
    this.insertTerm = db.prepare(`INSERT OR IGNORE INTO ${vocabTable(d)} (type, col, term) VALUES (?, ?, ?)`);
    this.lengths = new LengthsWriter(db, d, layout);
    for (const t of layout.docTypes) {
      const cols = t.tokenFields.length > 0 ? t.tokenFields.map((f) => column(f.column)) : ['c0'];
      this.types.set(t.path, {
        insertFts: db.prepare(`INSERT INTO ${ftsTable(d, t)} (rowid, ${cols.join(', ')}) VALUES (?, ${cols.map(() => '?').join(', ')})`),
        deleteFts: db.prepare(`DELETE FROM ${ftsTable(d, t)} WHERE rowid BETWEEN ? AND ?`),
        insertNum: db.prepare(`INSERT OR IGNORE INTO ${numTable(d, t)} (part, field, value, doc) VALUES (?, ?, ?, ?)`),
        deleteNum: db.prepare(`DELETE FROM ${numTable(d, t)} WHERE part = ? AND field = ? AND value = ? AND doc = ?`),
        insertParent: t.parent === '' ? null : db.prepare(`INSERT OR REPLACE INTO ${parentTable(d, t)} (doc, parent) VALUES (?, ?)`),
        deleteParents: t.parent === '' ? null : db.prepare(`DELETE FROM ${parentTable(d, t)} WHERE doc BETWEEN ? AND ?`),
      });
    }
  }

  /** The record's documents; to be written: their new dictionary terms go to this writer's log. */
  documents(record: Record<string, unknown>, toWrite = false): IndexDoc[] {
    return indexDocuments(this.layout, record, toWrite ? this.terms : undefined);
  }

  static docId(recordId: number, doc: Pick<IndexDoc, 'type' | 'seq'>): number {
    return doc.type === '' ? recordId : recordId * docsPerRecord + doc.seq;
  }

  /** Adds terms to the dictionary (those it has are ignored). */
  addTerms(keys: readonly TermKey[]): void {
    for (const key of keys) {
      const t = parseTermKey(key);
      this.insertTerm.run(t.type, t.column, t.term);
    }
  }

  /** After a rolled-back transaction: terms this writer reported may not be stored, so report them again; the field totals' changes are dropped. */
  forgetTerms(): void {
    this.terms = new TermLog(this.layout);
    this.lengths.discard();
  }

  /** Before the transaction that wrote or removed documents commits: writes the field totals' changes (field-lengths.ts). */
  flush(): void {
    this.lengths.flush();
  }

  /**
   * Writes the documents; `terms`: their dictionary terms when the caller derived them, else the
   * terms logged by `documents(record, true)`.
   */
  write(recordId: number, docs: readonly IndexDoc[], terms?: readonly TermKey[]): void {
    this.addTerms(terms ?? this.terms.take());
    this.changed(recordId);
    const part = shardOf(recordId);
    for (const doc of docs) {
      const s = this.types.get(doc.type)!;
      const id = SqliteIndexWriter.docId(recordId, doc);
      s.insertFts.run(id, ...(doc.columns.length > 0 ? doc.columns : ['']));
      for (const [field, value] of doc.numbers) s.insertNum.run(part, field, value, id);
      if (s.insertParent && doc.parentSeq >= 0) s.insertParent.run(id, recordId * docsPerRecord + doc.parentSeq);
    }
    this.lengths.add(recordId, docs);
  }

  remove(recordId: number, oldDocs: readonly IndexDoc[]): void {
    this.changed(recordId);
    const first = recordId * docsPerRecord;
    for (const t of this.layout.docTypes) {
      const s = this.types.get(t.path)!;
      if (t.path === '') s.deleteFts.run(recordId, recordId);
      else s.deleteFts.run(first, first + docsPerRecord - 1);
      s.deleteParents?.run(first, first + docsPerRecord - 1);
    }
    this.lengths.remove(recordId, oldDocs);
    const part = shardOf(recordId);
    for (const doc of oldDocs) {
      const s = this.types.get(doc.type)!;
      const id = SqliteIndexWriter.docId(recordId, doc);
      for (const [field, value] of doc.numbers) s.deleteNum.run(part, field, value, id);
    }
  }
}
