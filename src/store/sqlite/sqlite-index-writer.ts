// Writes and removes a record's search documents (FTS5 rows, number rows, parent links, new
// vocabulary terms) in the caller's transaction. Removal re-derives the old documents from the old
// record, so number rows are deleted by primary key without a second index on `doc`; vocabulary
// terms stay (a term without documents only widens a pattern's expansion by a term that matches
// nothing).
import type { Database, Statement } from 'better-sqlite3';
import type { DatasetName } from '../../datasets/datasets.js';
import { existsToken, indexDocuments, mark, type IndexDoc } from '../../search/index-documents.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { KnownVocabulary } from '../sql/known-vocabulary.js';
import { column, docsPerRecord, ftsTable, numTable, parentTable, vocabTable } from './search-schema.js';

/** Vocabulary entries a writer remembers as written (past this many it forgets them all). */
const maxKnownVocabulary = 2_000_000;
/** Filler between the values of a multi-valued text field: never a term a pattern expands to. */
const gapToken = `${mark}g`;

interface TypeStatements {
  insertFts: Statement<unknown[]>;
  deleteFts: Statement<[number, number]>;
  insertNum: Statement<[number, number, number]>;
  deleteNum: Statement<[number, number, number]>;
  insertParent: Statement<[number, number]> | null;
  deleteParents: Statement<[number, number]> | null;
  /** Column number of each entry of IndexDoc.columns. */
  columns: readonly number[];
}

export class SqliteIndexWriter {
  private readonly types = new Map<string, TypeStatements>();
  private readonly insertVocab: Statement<[string, number, string]>;
  /** Entries committed to the vocabulary table (skipped when met again). */
  private readonly known = new KnownVocabulary(maxKnownVocabulary);
  /** Entries written in the open transaction: known once `settle(true)` says it committed. */
  private pending: [string, string][] = [];
  private readonly pendingKeys = new Map<string, Set<string>>();

  constructor(db: Database, d: DatasetName, private readonly layout: IndexLayout) {
    this.insertVocab = db.prepare(`INSERT OR IGNORE INTO ${vocabTable(d)} (type, col, term) VALUES (?, ?, ?)`);
    for (const t of layout.docTypes) {
      const cols = t.tokenFields.length > 0 ? t.tokenFields.map((f) => column(f.column)) : ['c0'];
      this.types.set(t.path, {
        insertFts: db.prepare(`INSERT INTO ${ftsTable(d, t)} (rowid, ${cols.join(', ')}) VALUES (?, ${cols.map(() => '?').join(', ')})`),
        deleteFts: db.prepare(`DELETE FROM ${ftsTable(d, t)} WHERE rowid BETWEEN ? AND ?`),
        insertNum: db.prepare(`INSERT OR IGNORE INTO ${numTable(d, t)} (field, value, doc) VALUES (?, ?, ?)`),
        deleteNum: db.prepare(`DELETE FROM ${numTable(d, t)} WHERE field = ? AND value = ? AND doc = ?`),
        insertParent: t.parent === '' ? null : db.prepare(`INSERT OR REPLACE INTO ${parentTable(d, t)} (doc, parent) VALUES (?, ?)`),
        deleteParents: t.parent === '' ? null : db.prepare(`DELETE FROM ${parentTable(d, t)} WHERE doc BETWEEN ? AND ?`),
        columns: t.tokenFields.map((f) => f.column),
      });
    }
  }

  documents(record: Record<string, unknown>): IndexDoc[] {
    return indexDocuments(this.layout, record);
  }

  static docId(recordId: number, doc: Pick<IndexDoc, 'type' | 'seq'>): number {
    return doc.type === '' ? recordId : recordId * docsPerRecord + doc.seq;
  }

  write(recordId: number, docs: readonly IndexDoc[]): void {
    for (const doc of docs) {
      const s = this.types.get(doc.type)!;
      const id = SqliteIndexWriter.docId(recordId, doc);
      s.insertFts.run(id, ...(doc.columns.length > 0 ? doc.columns : ['']));
      for (const [field, value] of doc.numbers) s.insertNum.run(field, value, id);
      if (s.insertParent && doc.parentSeq >= 0) s.insertParent.run(id, recordId * docsPerRecord + doc.parentSeq);
      this.addVocabulary(doc.type, s.columns, doc.columns);
    }
  }

  private addVocabulary(type: string, columns: readonly number[], texts: readonly string[]): void {
    let pending = this.pendingKeys.get(type);
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i]!;
      if (text === '') continue;
      const col = columns[i]!;
      for (const term of text.split(' ')) {
        if (term === existsToken || term === gapToken || term === '') continue;
        const key = `${col} ${term}`;
        if (this.known.has(type, key) || pending?.has(key)) continue;
        if (!pending) this.pendingKeys.set(type, (pending = new Set()));
        pending.add(key);
        this.pending.push([type, key]);
        this.insertVocab.run(type, col, term);
      }
    }
  }

  /**
   * Runs the caller's transaction (`run` commits it or throws after rolling it back); its
   * vocabulary entries are remembered as written only if it committed.
   */
  settling<T>(run: () => T): T {
    let committed = false;
    try {
      const result = run();
      committed = true;
      return result;
    } finally {
      if (committed) this.known.add(this.pending);
      this.pending = [];
      this.pendingKeys.clear();
    }
  }

  remove(recordId: number, oldDocs: readonly IndexDoc[]): void {
    const first = recordId * docsPerRecord;
    for (const t of this.layout.docTypes) {
      const s = this.types.get(t.path)!;
      if (t.path === '') s.deleteFts.run(recordId, recordId);
      else s.deleteFts.run(first, first + docsPerRecord - 1);
      s.deleteParents?.run(first, first + docsPerRecord - 1);
    }
    for (const doc of oldDocs) {
      const s = this.types.get(doc.type)!;
      const id = SqliteIndexWriter.docId(recordId, doc);
      for (const [field, value] of doc.numbers) s.deleteNum.run(field, value, id);
    }
  }
}
