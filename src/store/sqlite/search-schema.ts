// SQLite tables of the search index, generated from a dataset's index layout:
//   {d}_fts_{t}: FTS5 over the token fields of document type t (one column each), contentless
//                with delete support, ascii tokenizer (tokens arrive pre-analyzed and encoded);
//   {d}_num_{t}: (field, value, doc) for number, date and boolean fields, range-scannable;
//   {d}_parent_{t}: doc → enclosing doc, for nested-in-nested types only;
//   {d}_vocab:   the term dictionary: every term (as analysed, not hex-encoded) of each keyword
//                column, for pattern expansion (fts5vocab walks the whole FTS index to list one
//                column's terms; text columns, a few thousand words, still use it).
// Document ids: the record id for the root; record id * 1024 + entry sequence for nested entries.
import type { DatasetName } from '../../datasets/datasets.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { existsToken } from '../../search/index-documents.js';
import { column, ftsTable, numTable, parentTable, vocabTable } from '../sql/search-tables.js';

export { column, docsPerRecord, ftsTable, numTable, parentTable, termRanges, typeSuffix, vocabTable } from '../sql/search-tables.js';

/**
 * (id, last_updated) of every record: sorting a few hits newest first reads it instead of each
 * hit's row of the records table (at 1M people a random row read took ~16 µs warm and ~65 µs
 * cold, a probe of this index ~1-2 µs; 5,881 hits sorted for a page cost ~90 ms).
 */
export const recencyIndex = (d: DatasetName): string => `${d}_records_lu`;
export const recencySchema = (d: DatasetName): string => `CREATE INDEX IF NOT EXISTS ${recencyIndex(d)} ON ${d}_records(id, last_updated);`;

export function searchSchema(d: DatasetName, layout: IndexLayout): string {
  return layout.docTypes
    .map((t) => {
      const cols = t.tokenFields.length > 0 ? t.tokenFields.map((f) => column(f.column)).join(', ') : 'c0';
      const parts = [
        `CREATE VIRTUAL TABLE ${ftsTable(d, t)} USING fts5(${cols}, content='', contentless_delete=1, tokenize='ascii');`,
        // Merge segments 8 at a time instead of 4: fewer, larger merges while importing
        // (with 5,000-record transactions: 290 → 185 µs per record, measured).
        `INSERT INTO ${ftsTable(d, t)} (${ftsTable(d, t)}, rank) VALUES ('automerge', 8);`,
        `CREATE TABLE ${numTable(d, t)} (field INTEGER NOT NULL, value REAL NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (field, value, doc)) WITHOUT ROWID;`,
      ];
      if (t.parent !== '') parts.push(`CREATE TABLE ${parentTable(d, t)} (doc INTEGER PRIMARY KEY, parent INTEGER NOT NULL);`);
      return parts.join('\n');
    })
    .join('\n');
}

/**
 * The term dictionary, filled from what the FTS5 tables already hold (nothing on a new store; a
 * store made before the dictionary existed gets its terms listed once, in this migration).
 * Terms stay when their last document goes: such a term only widens an expansion by a term that
 * matches nothing.
 */
export function vocabularySchema(d: DatasetName, layout: IndexLayout): string {
  const fill = layout.docTypes.filter((t) => t.tokenFields.some((f) => f.def.type !== 'text')).map((t) => {
    const v = `temp.${ftsTable(d, t)}_vocab_fill`;
    const keyword = t.tokenFields.filter((f) => f.def.type !== 'text').map((f) => `'${column(f.column)}'`);
    return [
      `CREATE VIRTUAL TABLE ${v} USING fts5vocab(main, '${ftsTable(d, t)}', 'col');`,
      `INSERT OR IGNORE INTO ${vocabTable(d)} (type, col, term) SELECT '${t.path}', CAST(substr(col, 2) AS INTEGER), decode_token(term) FROM ${v} WHERE col IN (${keyword.join(', ')}) AND term <> '${existsToken}';`,
      `DROP TABLE ${v};`,
    ].join('\n');
  });
  return [`CREATE TABLE ${vocabTable(d)} (type TEXT NOT NULL, col INTEGER NOT NULL, term TEXT NOT NULL, PRIMARY KEY (type, col, term)) WITHOUT ROWID;`, ...fill].join('\n');
}
