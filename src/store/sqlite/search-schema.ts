// SQLite tables of the search index, generated from a dataset's index layout:
//   {d}_fts_{t}: FTS5 over the token fields of document type t (one column each), contentless
//                with delete support, ascii tokenizer (tokens arrive pre-analyzed and encoded);
//   {d}_num_{t}: (part, field, value, doc) for number, date and boolean fields, range-scannable
//                within each part (the postings shard of the document's record);
//   {d}_parent_{t}: doc → enclosing doc, for nested-in-nested types only;
//   {d}_vocab:   the term dictionary: every term (as analysed, not hex-encoded) of each keyword
//                column, for pattern expansion (fts5vocab walks the whole FTS index to list one
//                column's terms; text columns, a few thousand words, still use it).
// Document ids: the record id for the root; record id * 1024 + entry sequence for nested entries.
import type { Database } from 'better-sqlite3';
import type { DatasetName } from '../../datasets/datasets.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { existsToken } from '../../search/index-documents.js';
import { shardSize } from '../postings/shard-collector.js';
import { column, docsPerRecord, ftsTable, numTable, parentTable, vocabTable } from '../sql/search-tables.js';

export { column, docsPerRecord, ftsTable, numTable, parentTable, termRanges, typeSuffix, vocabTable } from '../sql/search-tables.js';

/**
 * (id, last_updated) of every record: sorting a few hits newest first reads it instead of each
 * hit's row of the records table (at 1M people a random row read took ~16 µs warm and ~65 µs
 * cold, a probe of this index ~1-2 µs; 5,881 hits sorted for a page cost ~90 ms).
 */
export const recencyIndex = (d: DatasetName): string => `${d}_records_lu`;
export const recencySchema = (d: DatasetName): string => `CREATE INDEX IF NOT EXISTS ${recencyIndex(d)} ON ${d}_records(id, last_updated);`;

/**
 * A number table is keyed by the part of its documents' records first (their postings shard,
 * 65,536 records), so an import writes into the parts it fills: keyed by (field, value, doc), each
 * record's ~64 numbers went to random places of the whole table, and at 1M people (1.15 GB of
 * number tables) importing 20,000 more people took 46 s, 31 s without those inserts. A range is
 * then a seek per part (numberRows).
 */
export const numberTableSchema = (table: string): string =>
  `CREATE TABLE ${table} (part INTEGER NOT NULL, field INTEGER NOT NULL, value REAL NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (part, field, value, doc)) WITHOUT ROWID;`;

/** SQL of the part (shardOf its record) of a number table's document `doc`: root documents are record ids, nested ones record id × 1024 + entry. */
const partOfDoc = (nested: boolean): string => (nested ? `doc / ${shardSize * docsPerRecord}` : `doc / ${shardSize}`);

/**
 * The ids of a number table's documents meeting `where` (on field and value): one seek a part
 * that has rows, each part found by a seek past the one before (record ids far apart leave
 * parts empty, which cost nothing then).
 */
export function numberRows(table: string, where: string): string {
  const parts = `WITH RECURSIVE p(x) AS (SELECT min(part) FROM ${table} UNION ALL SELECT (SELECT min(part) FROM ${table} WHERE part > p.x) FROM p WHERE p.x IS NOT NULL) SELECT x FROM p WHERE x IS NOT NULL`;
  return `SELECT doc AS id FROM ${table} WHERE part IN (${parts}) AND ${where}`;
}

/**
 * Gives the number tables of a store made before they were keyed by part their new key, copying
 * their rows (at 1M people, ~40 s once; the old table's pages stay in the file as free pages that
 * later writes reuse).
 */
export function applyNumberParts(db: Database, d: DatasetName, layout: IndexLayout, log?: (message: string) => void): void {
  const hasPart = (table: string): boolean => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === 'part');
  const exists = db.prepare<[string], number>("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?").pluck();
  const old = layout.docTypes.filter((t) => exists.get(numTable(d, t)) === 1 && !hasPart(numTable(d, t)));
  if (old.length === 0) return;
  const started = performance.now();
  log?.(`${d}: keying its number tables by part (once)...`);
  db.transaction(() => {
    for (const t of old) {
      const table = numTable(d, t);
      db.exec(`ALTER TABLE ${table} RENAME TO ${table}_old`);
      db.exec(numberTableSchema(table));
      // In the new key's order: each row is appended to the new table.
      db.exec(`INSERT INTO ${table} (part, field, value, doc) SELECT ${partOfDoc(t.path !== '')} AS part, field, value, doc FROM ${table}_old ORDER BY part, field, value, doc`);
      db.exec(`DROP TABLE ${table}_old`);
    }
  }).immediate();
  log?.(`${d}: number tables keyed by part in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

export function searchSchema(d: DatasetName, layout: IndexLayout): string {
  return layout.docTypes
    .map((t) => {
      const cols = t.tokenFields.length > 0 ? t.tokenFields.map((f) => column(f.column)).join(', ') : 'c0';
      const parts = [
        `CREATE VIRTUAL TABLE ${ftsTable(d, t)} USING fts5(${cols}, content='', contentless_delete=1, tokenize='ascii');`,
        // Merge segments 8 at a time instead of 4: fewer, larger merges while importing
        // (with 5,000-record transactions: 290 → 185 µs per record, measured).
        `INSERT INTO ${ftsTable(d, t)} (${ftsTable(d, t)}, rank) VALUES ('automerge', 8);`,
        numberTableSchema(numTable(d, t)),
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
