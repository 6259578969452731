// PostgreSQL tables of the search index, from a dataset's index layout (the same layout and the
// same tokens as the SQLite index, so both stores return the same ids):
//   {d}_fts_{t}:    one tsvector per document of type t; each lexeme is `<column>_<stored token>`
//                   with its positions, GIN-indexed;
//   {d}_num_{t}:    (field, value, doc) for number, date and boolean fields;
//   {d}_parent_{t}: doc → enclosing doc, for nested-in-nested types;
//   {d}_vocab:      every stored token per (type, column), for wildcard/regexp/fuzzy expansion;
//   {d}_lengths:    each record's documents' token column lengths, for relevance
//                   (src/search/bm25.ts, src/search/doc-lengths.ts);
//   {d}_field_totals: (type, col, docs, tokens) added by every batch that writes or replaces records
//                   (negative for the documents it replaced), summed when read: rows only
//                   appended, so concurrent imports never wait on one another for them.
import type { DatasetName } from '../../datasets/datasets.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { fieldTotalsTable, ftsTable, lengthsTable, numTable, parentTable, vocabTable } from '../sql/search-tables.js';

export { vocabTable };

/**
 * The search indexes a bulk load (`import --defer-index`) drops and `rollcall index` builds
 * again in one pass: each type's GIN index and its number table's primary key. Kept up to date
 * row by row, they are most of an import's database time; built once over the loaded rows,
 * they take a fraction of it (bench:stores).
 */
export function deferrableIndexes(d: DatasetName, layout: IndexLayout): { name: string; drop: string; create: string; unique: boolean }[] {
  return layout.docTypes.flatMap((t) => {
    const gin = `${ftsTable(d, t)}_tsv`;
    const pk = `${numTable(d, t)}_pkey`;
    return [
      { name: gin, drop: `DROP INDEX IF EXISTS ${gin}`, create: `CREATE INDEX IF NOT EXISTS ${gin} ON ${ftsTable(d, t)} USING GIN (tsv)`, unique: false },
      { name: pk, drop: `ALTER TABLE ${numTable(d, t)} DROP CONSTRAINT IF EXISTS ${pk}`, create: `ALTER TABLE ${numTable(d, t)} ADD CONSTRAINT ${pk} PRIMARY KEY (field, value, doc)`, unique: true },
    ];
  });
}

/** The relevance tables of one dataset (pg-index-writer.ts keeps them). */
export function pgLengthsSchema(d: DatasetName): string {
  return [
    `CREATE TABLE ${lengthsTable(d)} (id BIGINT PRIMARY KEY, lens INTEGER[] NOT NULL);`,
    `CREATE TABLE ${fieldTotalsTable(d)} (type TEXT NOT NULL, col INTEGER NOT NULL, docs BIGINT NOT NULL, tokens BIGINT NOT NULL);`,
  ].join('\n');
}

/** The search tables of one dataset. */
export function pgSearchSchema(d: DatasetName, layout: IndexLayout): string {
  return [
    pgLengthsSchema(d),
    `CREATE TABLE ${vocabTable(d)} (type TEXT NOT NULL, col INTEGER NOT NULL, term TEXT COLLATE "C" NOT NULL, PRIMARY KEY (type, col, term));`,
    ...layout.docTypes.map((t) => {
      const parts = [
        `CREATE TABLE ${ftsTable(d, t)} (doc BIGINT PRIMARY KEY, tsv TSVECTOR NOT NULL);`,
        `CREATE INDEX ${ftsTable(d, t)}_tsv ON ${ftsTable(d, t)} USING GIN (tsv);`,
        `CREATE TABLE ${numTable(d, t)} (field INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL, doc BIGINT NOT NULL, PRIMARY KEY (field, value, doc));`,
        `CREATE INDEX ${numTable(d, t)}_doc ON ${numTable(d, t)} (doc);`,
      ];
      if (t.parent !== '') parts.push(`CREATE TABLE ${parentTable(d, t)} (doc BIGINT PRIMARY KEY, parent BIGINT NOT NULL);`);
      return parts.join('\n');
    }),
  ].join('\n');
}
