// The SQLite dialect of the default query compiler (../sql/set-query-compiler.ts): full-text
// matches are FTS5 MATCH expressions on one column of the document type's FTS5 table, whose
// document id is the rowid; relevance is FTS5's bm25().
import { SetQueryCompiler, type CompilerOptions, type Dialect, type Sql, type TermSyntax } from '../sql/set-query-compiler.js';
import { column } from '../sql/search-tables.js';

export { scoringClauses, type Sql, type VocabularyLookup } from '../sql/set-query-compiler.js';

/** FTS5 string literal of one stored token. */
const quoted = (stored: string): string => `"${stored.replaceAll('"', '""')}"`;

const fts5: TermSyntax = {
  term: quoted,
  or: (parts) => parts.join(' OR '),
  and: (parts) => parts.join(' AND '),
  group: (e) => `(${e})`,
  phrase: (stored) => stored.map(quoted).join(' + '),
  // FTS5 NEAR is unordered proximity.
  near: (stored, slop) => `NEAR(${stored.map(quoted).join(' ')}, ${slop})`,
  prefix: (stored) => `${quoted(stored)} *`,
};

export const sqliteDialect: Dialect = {
  syntax: () => fts5,
  match: (table, col, expression) => ({ text: `SELECT rowid AS id FROM ${table} WHERE ${table} MATCH ?`, params: [`${column(col)} : (${expression})`] }),
  all: (table) => `SELECT rowid AS id FROM ${table}`,
  idsIn: (table, n) => `SELECT rowid AS id FROM ${table} WHERE rowid IN (${Array.from({ length: n }, () => '?').join(', ')})`,
  none: 'SELECT NULL AS id WHERE 0',
  from: (text) => `(${text})`,
};

export class SqliteQueryCompiler extends SetQueryCompiler {
  constructor(options: Omit<CompilerOptions, 'dialect'>) {
    super({ ...options, dialect: sqliteDialect });
  }

  /** (id, s) rows: the clause's BM25 score for each record it matches (text clauses only). */
  score(clause: Parameters<SetQueryCompiler['scorable']>[0], boost: number): Sql | null {
    const plain = this.scorable(clause);
    const t = plain?.ftsTable;
    if (plain === null || t === undefined) return null;
    return { text: `SELECT rowid AS id, -bm25(${t}) * ${Number(boost)} AS s FROM ${t} WHERE ${t} MATCH ?`, params: plain.params };
  }
}
