// The PostgreSQL dialect of the plan renderer (../sql/plan-sql.ts): a
// full-text match is a tsquery over the document type's tsvector, whose lexemes carry their
// column (`<column>_<stored token>`), so one GIN index serves every column.
import { mark } from '../../search/index-documents.js';
import type { Dialect, TermSyntax } from '../sql/plan-sql.js';
import { maxLexemeBytes } from '../../search/tsvector-doc.js';

/** Never stored (the index skips lexemes over 2,000 bytes, a tsvector limit): matches nothing. */
const unindexable = `${mark}toolong`;

const lexeme = (col: number, stored: string): string => {
  const text = Buffer.byteLength(stored) > maxLexemeBytes - 8 ? `${col}_${unindexable}` : `${col}_${stored}`;
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
};

function tsquery(col: number): TermSyntax {
  const term = (stored: string): string => lexeme(col, stored);
  const and = (parts: readonly string[]): string => parts.join(' & ');
  return {
    term,
    or: (parts) => parts.join(' | '),
    and,
    group: (e) => `(${e})`,
    phrase: (stored) => stored.map(term).join(' <-> '),
    // A superset of a sloppy phrase, which near-phrases.ts narrows to Lucene's matches. Two
    // words are exact: "a b"~slop is b up to slop + 1 positions after a, or up to slop - 1
    // before it (a transposition costs 2); longer phrases need every word.
    near: (stored, slop) => {
      if (stored.length !== 2) return and(stored.map(term));
      const [a, b] = stored.map(term);
      const within = [
        ...Array.from({ length: slop + 1 }, (_, i) => `${a} <${i + 1}> ${b}`),
        ...Array.from({ length: Math.max(0, slop - 1) }, (_, i) => `${b} <${i + 1}> ${a}`),
      ];
      return `(${within.join(' | ')})`;
    },
    prefix: (stored) => `${term(stored)}:*`,
  };
}

let subquery = 0;

export const pgDialect: Dialect = {
  syntax: tsquery,
  match: (table, _col, expression) => ({ text: `SELECT doc AS id FROM ${table} WHERE tsv @@ ?::tsquery`, params: [expression] }),
  all: (table) => `SELECT doc AS id FROM ${table}`,
  idsIn: (table, n) => `SELECT doc AS id FROM ${table} WHERE doc IN (${Array.from({ length: n }, () => '?').join(', ')})`,
  docsIn: (table, ids) => ({ text: `SELECT doc AS id FROM ${table} WHERE doc = ANY(?::bigint[])`, params: [ids] }),
  none: 'SELECT NULL::bigint AS id WHERE false',
  // PostgreSQL insists on a name for every subquery in FROM.
  from: (text) => `(${text}) AS q${(subquery = (subquery + 1) % 1_000_000)}`,
  // An AND of full-text conditions on one document table as one tsquery: `tsv @@ (A) & (B)`
  // reads the table once where `... @@ A INTERSECT ... @@ B` read it twice (each table has one
  // row per document, so both select the same ids). bench:stores' wildcard + exists query
  // scanned fts_root twice for 1.6 s at 100k people.
  matchAll: (table, parts) => ({ text: `SELECT doc AS id FROM ${table} WHERE tsv @@ ?::tsquery`, params: [parts.map((p) => `(${p.expression})`).join(' & ')] }),
  // must_not of full-text matches: probe each candidate (primary key + tsquery recheck) instead
  // of EXCEPT over every document matching the excluded term — `exists` on a field most nested
  // entries have fetched 160k GIN hits to remove a few (2.8 s vs 26 ms on SQLite, bench:stores).
  exclude: (base, excluded) => {
    const probes = excluded.map((e) => `NOT EXISTS (SELECT 1 FROM ${e.table} x WHERE x.doc = b.id AND x.tsv @@ ?::tsquery)`);
    return { text: `SELECT b.id FROM (${base.text}) AS b WHERE ${probes.join(' AND ')}`, params: [...base.params, ...excluded.map((e) => e.expression)] };
  },
};

/** `?` placeholders (the compiler's) → PostgreSQL's `$1, $2, ...`. */
export function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
