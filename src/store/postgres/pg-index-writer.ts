// Writes a batch's search documents to the PostgreSQL index in the caller's transaction: old
// documents of the records are deleted by id range, new ones inserted as arrays (one statement
// per table), and new tokens added to the vocabulary.
import type pg from 'pg';
import type { DatasetName } from '../../datasets/datasets.js';
import { existsToken, mark, type IndexDoc } from '../../search/index-documents.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { docsPerRecord, ftsTable, numTable, parentTable } from '../sql/search-tables.js';
import { vocabTable } from './pg-search-schema.js';

const gapToken = `${mark}g`;
// tsvector limits: positions 1..16383, at most 256 per lexeme, lexemes under 2 KB.
const maxPosition = 16383;
const maxPositions = 255;
export const maxLexemeBytes = 2000;

/** The tsvector literal of one document: `'<col>_<token>':pos,pos ...`. */
export function tsvectorOf(doc: IndexDoc): { text: string; vocabulary: [number, string][] } {
  const lexemes = new Map<string, number[]>();
  const vocabulary: [number, string][] = [];
  doc.columns.forEach((col, c) => {
    if (col === '') return;
    col.split(' ').forEach((token, i) => {
      if (token === gapToken) return;
      const lexeme = `${c}_${token}`;
      if (Buffer.byteLength(token) > maxLexemeBytes - 8) return;
      let positions = lexemes.get(lexeme);
      if (!positions) {
        positions = [];
        lexemes.set(lexeme, positions);
        if (token !== existsToken) vocabulary.push([c, token]);
      }
      if (positions.length < maxPositions) positions.push(Math.min(i + 1, maxPosition));
    });
  });
  const text = [...lexemes].map(([lex, pos]) => `'${lex.replaceAll('\\', '\\\\').replaceAll("'", "''")}':${[...new Set(pos)].join(',')}`).join(' ');
  return { text, vocabulary };
}

/**
 * Writes the documents; returns the vocabulary keys it inserted, so the caller can remember them
 * once its transaction commits (`known`: keys already in the table, skipped — re-inserting every
 * token of every batch cost a quarter of an import's database time).
 */
export async function writeIndex(
  client: pg.PoolClient, d: DatasetName, layout: IndexLayout, records: readonly { id: number; docs: readonly IndexDoc[]; existed: boolean }[], known: ReadonlySet<string>,
): Promise<string[]> {
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
  const vocab = new Map<string, [string, number, string]>();
  for (const r of records) {
    for (const doc of r.docs) {
      const id = doc.type === '' ? r.id : r.id * docsPerRecord + doc.seq;
      const { text, vocabulary } = tsvectorOf(doc);
      const f = fts.get(doc.type) ?? { docs: [], tsv: [] };
      f.docs.push(id);
      f.tsv.push(text);
      fts.set(doc.type, f);
      const n = nums.get(doc.type) ?? { field: [], value: [], doc: [] };
      for (const [field, value] of doc.numbers) {
        n.field.push(field);
        n.value.push(value);
        n.doc.push(id);
      }
      nums.set(doc.type, n);
      if (doc.parentSeq >= 0) {
        const p = parents.get(doc.type) ?? { doc: [], parent: [] };
        p.doc.push(id);
        p.parent.push(r.id * docsPerRecord + doc.parentSeq);
        parents.set(doc.type, p);
      }
      for (const [c, term] of vocabulary) {
        const key = `${d}\u0000${doc.type}\u0000${c}\u0000${term}`;
        if (!known.has(key)) vocab.set(key, [doc.type, c, term]);
      }
    }
  }
  for (const [type, f] of fts) {
    await client.query(`INSERT INTO ${ftsTable(d, type)} (doc, tsv) SELECT u.d, u.t::tsvector FROM unnest($1::bigint[], $2::text[]) AS u(d, t)`, [f.docs, f.tsv]);
  }
  for (const [type, n] of nums) {
    if (n.doc.length === 0) continue;
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
  if (vocab.size > 0) {
    const rows = [...vocab.values()].sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1));
    await client.query(
      `INSERT INTO ${vocabTable(d)} (type, col, term) SELECT * FROM unnest($1::text[], $2::int[], $3::text[]) ON CONFLICT DO NOTHING`,
      [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
    );
  }
  return [...vocab.keys()];
}
