// Runs compiled queries: exact total, one page in the requested order after a cursor, and
// (for `_score` order and preview) BM25 scores. See sqlite-query-compiler.ts for the SQL shape.
import type { Database, Statement } from 'better-sqlite3';
import { datasetNames, type DatasetName } from '../../datasets/datasets.js';
import type { SearchRequest } from '../../query/ast.js';
import { decodeToken, encodeToken, mark } from '../../search/index-documents.js';
import type { IndexLayout } from '../../search/index-layout.js';
import type { SearchPage, SearchStore, SortValues } from '../store.js';
import { column, ftsTable } from './search-schema.js';
import { scoringClauses, SqliteQueryCompiler, type Sql } from './sqlite-query-compiler.js';

export interface SearchStoreOptions {
  /** Most terms one pattern (wildcard, regexp, fuzzy, prefix) may expand to. */
  readonly maxExpansions?: number;
  /** Called before each read so reads share the per-turn read transaction. */
  readonly enterRead?: () => void;
}

export class SqliteSearchStore implements SearchStore {
  private readonly compilers: Record<DatasetName, SqliteQueryCompiler>;
  private readonly vocab = new Map<string, Statement<[string, string, string], { term: string }>>();

  constructor(private readonly db: Database, layouts: Readonly<Record<DatasetName, IndexLayout>>, private readonly options: SearchStoreOptions = {}) {
    this.compilers = Object.fromEntries(
      datasetNames.map((d) => [
        d,
        new SqliteQueryCompiler({
          dataset: d,
          layout: layouts[d],
          maxExpansions: options.maxExpansions ?? 10_000,
          vocabulary: (type, col, prefix) => this.vocabulary(d, type, col, prefix),
        }),
      ]),
    ) as Record<DatasetName, SqliteQueryCompiler>;
  }

  /** Decoded stored terms of one FTS column that start with `prefix` (all when it is ''). */
  private vocabulary(d: DatasetName, type: string, col: number, prefix: string): string[] {
    const table = ftsTable(d, type);
    let stmt = this.vocab.get(table);
    if (!stmt) {
      this.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.${table}_vocab USING fts5vocab(main, '${table}', 'col')`);
      stmt = this.db.prepare(`SELECT DISTINCT term FROM temp.${table}_vocab WHERE col = ? AND term >= ? AND term < ?`);
      this.vocab.set(table, stmt);
    }
    const out: string[] = [];
    const name = column(col);
    // Plain tokens ([a-z0-9]) sort below the marker; encoded ones are the marker + hex.
    if (/^[a-z0-9]*$/.test(prefix)) for (const r of stmt.all(name, prefix, prefix === '' ? mark : `${prefix}\u007f`)) out.push(r.term);
    const hex = encodeToken(prefix).startsWith(mark) ? encodeToken(prefix) : mark + Buffer.from(prefix, 'utf8').toString('hex');
    for (const r of stmt.all(name, hex, `${hex}g`)) if (r.term !== mark) out.push(decodeToken(r.term));
    return out;
  }

  async search(d: DatasetName, request: SearchRequest, after: SortValues | null, size: number, withScores = false): Promise<SearchPage> {
    this.options.enterRead?.();
    const compiler = this.compilers[d];
    const hits = compiler.compile(request.query);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM (${hits.text})`).get(...hits.params) as { n: number }).n;
    const scored = request.sort === 'score' || withScores;
    const scores = scored ? this.scoreSql(d, request, hits) : null;
    const base = scores
      ? `SELECT r.id AS id, r.last_updated AS lu, sc.s AS s FROM (${scores.text}) sc JOIN ${d}_records r ON r.id = sc.id`
      : `SELECT r.id AS id, r.last_updated AS lu, 0 AS s FROM (${hits.text}) h JOIN ${d}_records r ON r.id = h.id`;
    const params: unknown[] = [...(scores?.withParams ?? []), ...(scores ?? hits).params];
    const { where, order } = this.ordering(request.sort, after, params);
    const rows = this.db
      .prepare(`${scores?.with ?? ''} SELECT id, lu, s FROM (${base}) ${where} ORDER BY ${order} LIMIT ?`)
      .all(...params, size) as { id: number; lu: string | null; s: number }[];
    return {
      ids: rows.map((r) => r.id),
      total,
      values: rows.map((r) => ({ id: r.id, lastUpdated: r.lu, ...(request.sort === 'score' ? { score: r.s } : {}) })),
      scores: new Map(rows.map((r) => [r.id, r.s])),
    };
  }

  /** Scores as a query over the hits; bm25() only runs in its own FTS statement, hence the CTEs. */
  private scoreSql(d: DatasetName, request: SearchRequest, hits: Sql): Sql & { with: string; withParams: unknown[] } {
    const compiler = this.compilers[d];
    const parts = scoringClauses(request.query).map((c) => compiler.score(c.expression, c.boost)).filter((p): p is Sql => p !== null);
    if (parts.length === 0) return { with: '', withParams: [], text: `SELECT id, ${Number(request.query.boost)} AS s FROM (${hits.text})`, params: hits.params };
    const ctes = parts.map((p, i) => `s${i} AS MATERIALIZED (${p.text})`).join(', ');
    const joins = parts.map((_, i) => `LEFT JOIN (SELECT id, max(s) AS s FROM s${i} GROUP BY id) j${i} ON j${i}.id = h.id`).join(' ');
    const sum = parts.map((_, i) => `coalesce(j${i}.s, 0)`).join(' + ');
    return {
      with: `WITH ${ctes}`,
      withParams: parts.flatMap((p) => p.params),
      text: `SELECT h.id AS id, ${sum} AS s FROM (${hits.text}) h ${joins}`,
      params: hits.params,
    };
  }

  private ordering(sort: SearchRequest['sort'], after: SortValues | null, params: unknown[]): { where: string; order: string } {
    if (sort === 'id') {
      if (after) params.push(after.id);
      return { where: after ? 'WHERE id > ?' : '', order: 'id ASC' };
    }
    // Newest first, then id descending; records without last_updated come last.
    const luAfter = (): string => {
      if (!after) return '';
      if (after.lastUpdated === null || after.lastUpdated === undefined) {
        params.push(after.id);
        return '(lu IS NULL AND id < ?)';
      }
      params.push(after.lastUpdated, after.lastUpdated, after.id);
      return '(lu < ? OR (lu = ? AND id < ?) OR lu IS NULL)';
    };
    if (sort === 'score') {
      if (!after) return { where: '', order: 's DESC, lu DESC, id DESC' };
      params.push(after.score ?? 0, after.score ?? 0);
      return { where: `WHERE (s < ? OR (s = ? AND ${luAfter()}))`, order: 's DESC, lu DESC, id DESC' };
    }
    const cond = luAfter();
    return { where: cond ? `WHERE ${cond}` : '', order: 'lu DESC, id DESC' };
  }
}
