// Writes a batch's search documents to the PostgreSQL index in the caller's transaction: old
// documents of the records are deleted by id range, new ones inserted as arrays (one statement
// per table), and new tokens added to the vocabulary.
import type pg from 'pg';
import type { Queryable } from './pg-util.js';
import type { DatasetName } from '../../datasets/datasets.js';
import type { TsvectorDoc } from '../../search/tsvector-doc.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { docsPerRecord, fieldTotalsTable, ftsTable, lengthsTable, numTable, parentTable } from '../sql/search-tables.js';
import { vocabTable } from './pg-search-schema.js';
import { Totals } from '../sql/totals.js';
import { eachDocument, encodeRecordLengths } from '../../search/doc-lengths.js';

/** Vocabulary already in the table, per document type: `<col> <token>` keys (see TsvectorDoc). */
export class KnownVocabulary {
  private readonly byType = new Map<string, Set<string>>();
  private size = 0;

  constructor(private readonly max: number) {}

  has(type: string, key: string): boolean {
    return this.byType.get(type)?.has(key) ?? false;
  }

  /** Remembers keys once the transaction that inserted them committed (forgets all past `max`). */
  add(entries: readonly (readonly [string, string])[]): void {
    if (this.size + entries.length > this.max) {
      this.byType.clear();
      this.size = 0;
    }
    for (const [type, key] of entries) {
      let set = this.byType.get(type);
      if (!set) this.byType.set(type, (set = new Set()));
      if (!set.has(key)) {
        set.add(key);
        this.size++;
      }
    }
  }
}

/**
 * Adds the documents' new tokens to the vocabulary, in its own statement (outside any batch's
 * transaction: a token listed without a document only widens a wildcard's expansion by a term
 * that matches nothing). `known`: entries already in the table, skipped — re-inserting every
 * token of every batch cost a quarter of an import's database time.
 */
export async function insertVocabulary(db: Queryable, d: DatasetName, docs: Iterable<TsvectorDoc>, known: KnownVocabulary): Promise<void> {
  const vocab = new Map<string, Set<string>>();
  for (const doc of docs) {
    let v: Set<string> | undefined;
    for (const key of doc.vocabulary) {
      if (known.has(doc.type, key)) continue;
      if (!v) {
        v = vocab.get(doc.type);
        if (!v) vocab.set(doc.type, (v = new Set()));
      }
      v.add(key);
    }
  }
  // Rows in key order, so concurrent importers take the unique index's locks in the same order.
  const added: [string, string][] = [];
  const types: string[] = [];
  const cols: number[] = [];
  const terms: string[] = [];
  for (const type of [...vocab.keys()].sort()) {
    const entries = [...vocab.get(type)!].map((key) => {
      const space = key.indexOf(' ');
      return { key, col: Number(key.slice(0, space)), term: key.slice(space + 1) };
    });
    entries.sort((a, b) => a.col - b.col || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
    for (const e of entries) {
      types.push(type);
      cols.push(e.col);
      terms.push(e.term);
      added.push([type, e.key]);
    }
  }
  if (added.length === 0) return;
  await db.query(
    `INSERT INTO ${vocabTable(d)} (type, col, term) SELECT * FROM unnest($1::text[], $2::int[], $3::text[]) ON CONFLICT DO NOTHING`,
    [types, cols, terms],
  );
  known.add(added);
}

/** Writes the documents of a batch's records in the caller's transaction, replacing the old ones of records stored before. */
export async function writeIndex(
  client: pg.PoolClient, d: DatasetName, layout: IndexLayout, records: readonly { id: number; docs: readonly TsvectorDoc[]; existed: boolean }[],
): Promise<void> {
  // Only records stored before have documents to replace (deleting for new ones cost 5% of a
  // first import, bench:stores).
  const ids = records.filter((r) => r.existed).map((r) => r.id);
  for (const t of ids.length > 0 ? layout.docTypes : []) {
    // Root documents have the record id; nested ones id * 1024 + entry sequence.
    const range = t.path === '' ? 'x.doc = u.id' : `x.doc BETWEEN u.id * ${docsPerRecord} AND u.id * ${docsPerRecord} + ${docsPerRecord - 1}`;
    for (const table of [ftsTable(d, t), numTable(d, t), ...(t.parent !== '' ? [parentTable(d, t)] : [])]) {
      await client.query(`DELETE FROM ${table} x USING unnest($1::bigint[]) AS u(id) WHERE ${range}`, [ids]);
    }
  }
  const fts = new Map<string, { docs: number[]; tsv: string[] }>();
  const nums = new Map<string, { field: number[]; value: number[]; doc: number[] }>();
  const parents = new Map<string, { doc: number[]; parent: number[] }>();
  for (const r of records) {
    for (const doc of r.docs) {
      const id = doc.type === '' ? r.id : r.id * docsPerRecord + doc.seq;
      let f = fts.get(doc.type);
      if (!f) fts.set(doc.type, (f = { docs: [], tsv: [] }));
      f.docs.push(id);
      f.tsv.push(doc.tsv);
      if (doc.numbers.length > 0) {
        let n = nums.get(doc.type);
        if (!n) nums.set(doc.type, (n = { field: [], value: [], doc: [] }));
        for (const [field, value] of doc.numbers) {
          n.field.push(field);
          n.value.push(value);
          n.doc.push(id);
        }
      }
      if (doc.parentSeq >= 0) {
        let p = parents.get(doc.type);
        if (!p) parents.set(doc.type, (p = { doc: [], parent: [] }));
        p.doc.push(id);
        p.parent.push(r.id * docsPerRecord + doc.parentSeq);
      }
    }
  }
  await writeLengths(client, d, layout, records);
  for (const [type, f] of fts) {
    await client.query(`INSERT INTO ${ftsTable(d, type)} (doc, tsv) SELECT u.d, u.t::tsvector FROM unnest($1::bigint[], $2::text[]) AS u(d, t)`, [f.docs, f.tsv]);
  }
  for (const [type, n] of nums) {
    await client.query(
      `INSERT INTO ${numTable(d, type)} (field, value, doc) SELECT * FROM unnest($1::int[], $2::float8[], $3::bigint[]) ON CONFLICT DO NOTHING`,
      [n.field, n.value, n.doc],
    );
  }
  for (const [type, p] of parents) {
    await client.query(
      `INSERT INTO ${parentTable(d, type)} (doc, parent) SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT (doc) DO UPDATE SET parent = excluded.parent`,
      [p.doc, p.parent],
    );
  }
}

/**
 * Keeps the documents' field lengths and the field totals (pg-search-schema.ts): the replaced
 * documents of records stored before are removed and subtracted, the new ones added.
 */
export async function writeLengths(client: Queryable, d: DatasetName, layout: IndexLayout, records: readonly { id: number; docs: readonly TsvectorDoc[]; existed?: boolean }[]): Promise<void> {
  const ids = records.filter((r) => r.existed === true).map((r) => r.id);
  // The field totals change by the new documents' lengths less the replaced ones'.
  const totals = new Totals();
  if (ids.length > 0) {
    const old = await client.query<{ lens: number[] }>(`DELETE FROM ${lengthsTable(d)} WHERE id = ANY($1::bigint[]) RETURNING lens`, [ids]);
    for (const r of old.rows) eachDocument(layout, r.lens, (type, _seq, lens) => totals.count(type, lens, -1));
  }
  const written = records.filter((r) => r.docs.length > 0);
  if (written.length > 0) {
    for (const r of written) for (const doc of r.docs) totals.count(doc.type, doc.lengths, 1);
    await client.query(`INSERT INTO ${lengthsTable(d)} (id, lens) SELECT u.i, u.l::integer[] FROM unnest($1::bigint[], $2::text[]) AS u(i, l)`, [
      written.map((r) => r.id),
      written.map((r) => `{${encodeRecordLengths(layout, r.docs).join(',')}}`),
    ]);
  }
  const changed: { type: string; col: number; docs: number; tokens: number }[] = [];
  totals.each((type, col, docs, tokens) => changed.push({ type, col, docs, tokens }));
  if (changed.length > 0) {
    await client.query(`INSERT INTO ${fieldTotalsTable(d)} (type, col, docs, tokens) SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::bigint[])`, [
      changed.map((t) => t.type),
      changed.map((t) => t.col),
      changed.map((t) => t.docs),
      changed.map((t) => t.tokens),
    ]);
  }
}
