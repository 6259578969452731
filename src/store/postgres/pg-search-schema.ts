// PostgreSQL tables of the search index, from a dataset's index layout (the same layout and the
// same tokens as the SQLite index, so both stores return the same ids):
//   {d}_fts_{t}:    one tsvector per document of type t; each lexeme is `<column>_<stored token>`
//                   with its positions, GIN-indexed;
//   {d}_num_{t}:    (field, value, doc) for number, date and boolean fields;
//   {d}_parent_{t}: doc → enclosing doc, for nested-in-nested types;
//   {d}_vocab:      every stored token per (type, column), for wildcard/regexp/fuzzy expansion.
import { datasetNames, type DatasetName } from '../../datasets/datasets.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { ftsTable, numTable, parentTable, typeSuffix } from '../sql/search-tables.js';

export const vocabTable = (d: DatasetName): string => `${d}_vocab`;

export function pgSearchSchema(layouts: Readonly<Record<DatasetName, IndexLayout>>): string {
  return datasetNames
    .map((d) => [
      `CREATE TABLE ${vocabTable(d)} (type TEXT NOT NULL, col INTEGER NOT NULL, term TEXT COLLATE "C" NOT NULL, PRIMARY KEY (type, col, term));`,
      ...layouts[d].docTypes.map((t) => {
        const parts = [
          `CREATE TABLE ${ftsTable(d, t)} (doc BIGINT PRIMARY KEY, tsv TSVECTOR NOT NULL);`,
          `CREATE INDEX ${d}_fts_${typeSuffix(t)}_tsv ON ${ftsTable(d, t)} USING GIN (tsv);`,
          `CREATE TABLE ${numTable(d, t)} (field INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL, doc BIGINT NOT NULL, PRIMARY KEY (field, value, doc));`,
          `CREATE INDEX ${d}_num_${typeSuffix(t)}_doc ON ${numTable(d, t)} (doc);`,
        ];
        if (t.parent !== '') parts.push(`CREATE TABLE ${parentTable(d, t)} (doc BIGINT PRIMARY KEY, parent BIGINT NOT NULL);`);
        return parts.join('\n');
      }),
    ].join('\n'))
    .join('\n');
}
