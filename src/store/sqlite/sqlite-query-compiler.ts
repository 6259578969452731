// The SQLite dialect of the plan renderer (../sql/plan-sql.ts): full-text conditions are FTS5
// MATCH expressions on one column of the document type's FTS5 table, whose document id is the
// rowid.
import type { Dialect, TermSyntax } from '../sql/plan-sql.js';
import { column } from '../sql/search-tables.js';
import { numberRows } from './search-schema.js';

/** FTS5 string literal of one stored token. */
const quoted = (stored: string): string => `"${stored.replaceAll('"', '""')}"`;

const fts5: TermSyntax = {
  term: quoted,
  or: (parts) => parts.join(' OR '),
  and: (parts) => parts.join(' AND '),
  group: (e) => `(${e})`,
  phrase: (stored) => stored.map(quoted).join(' + '),
  // FTS5 NEAR is unordered proximity: a superset of a sloppy phrase, which near-phrases.ts
  // narrows to Lucene's matches.
  near: (stored, slop) => `NEAR(${stored.map(quoted).join(' ')}, ${slop})`,
  prefix: (stored) => `${quoted(stored)} *`,
};

export const sqliteDialect: Dialect = {
  syntax: () => fts5,
  match: (table, col, expression) => ({ text: `SELECT rowid AS id FROM ${table} WHERE ${table} MATCH ?`, params: [`${column(col)} : (${expression})`] }),
  all: (table) => `SELECT rowid AS id FROM ${table}`,
  idsIn: (table, n) => `SELECT rowid AS id FROM ${table} WHERE rowid IN (${Array.from({ length: n }, () => '?').join(', ')})`,
  docsIn: (table, ids) => ({ text: `SELECT rowid AS id FROM ${table} WHERE rowid IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(ids)] }),
  none: 'SELECT NULL AS id WHERE 0',
  from: (text) => `(${text})`,
  numberRows,
};
