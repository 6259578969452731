// Runs compiled queries on PostgreSQL: exact total, one page in the requested order after a
// cursor, and (for `_score` order and preview) ts_rank scores of the scoring clauses.
// Pattern queries need the column's vocabulary while compiling; the compiler is synchronous, so
// a first pass records which vocabulary ranges the query needs, they are read, and a second pass
// compiles with them (the requests depend only on the query, never on what was found).
import type pg from 'pg';
import type { DatasetName } from '../../datasets/datasets.js';
import type { Query, SearchRequest } from '../../query/ast.js';
import { decodeToken, mark } from '../../search/index-documents.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { ordering } from '../sql/search-order.js';
import { ftsTable } from '../sql/search-tables.js';
import { scoringClauses, type Sql, type VocabularyLookup } from '../sql/set-query-compiler.js';
import { SearchTimeoutError, type SearchPage, type SearchStore, type SortValues } from '../store.js';
import { numbered, pgDialect, PgQueryCompiler } from './pg-query-compiler.js';
import { vocabTable } from './pg-search-schema.js';

const nullsLast = ' NULLS LAST';

interface Row {
  id: number;
  lu: string | null;
  s: number;
}

export class PgSearchStore implements SearchStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly layouts: Readonly<Record<DatasetName, IndexLayout>>,
    private readonly maxExpansions = 50,
  ) {}

  private compiler(d: DatasetName, vocabulary: VocabularyLookup): PgQueryCompiler {
    return new PgQueryCompiler({ dataset: d, layout: this.layouts[d], maxExpansions: this.maxExpansions, vocabulary });
  }

  /** A compiler whose vocabulary lookups were read from the database beforehand. */
  private async prepared(d: DatasetName, queries: readonly Query[]): Promise<PgQueryCompiler> {
    const wanted = new Map<string, [string, number, string]>();
    const recorder = this.compiler(d, (type, col, prefix) => {
      wanted.set(`${type}\u0000${col}\u0000${prefix}`, [type, col, prefix]);
      return [];
    });
    for (const q of queries) recorder.compile(q);
    const found = new Map<string, string[]>();
    for (const [key, [type, col, prefix]] of wanted) found.set(key, await this.vocabulary(d, type, col, prefix));
    return this.compiler(d, (type, col, prefix) => found.get(`${type}\u0000${col}\u0000${prefix}`) ?? []);
  }

  /** Decoded stored terms of one column that start with `prefix` (all when it is ''). */
  private async vocabulary(d: DatasetName, type: string, col: number, prefix: string): Promise<string[]> {
    const range = `SELECT term FROM ${vocabTable(d)} WHERE type = $1 AND col = $2 AND term >= $3 AND term < $4 ORDER BY term`;
    const out: string[] = [];
    // Plain tokens ([a-z0-9]) sort below the marker; encoded ones are the marker + hex.
    if (/^[a-z0-9]*$/.test(prefix)) {
      for (const r of (await this.pool.query<{ term: string }>(range, [type, col, prefix, prefix === '' ? mark : `${prefix}\u007f`])).rows) out.push(r.term);
    }
    const hex = mark + Buffer.from(prefix, 'utf8').toString('hex');
    for (const r of (await this.pool.query<{ term: string }>(range, [type, col, hex, `${hex}g`])).rows) out.push(decodeToken(r.term));
    return out;
  }

  private async rows(statement: Sql): Promise<Row[]> {
    return (await this.pool.query<Row>(numbered(statement.text), [...statement.params])).rows;
  }

  private shape(rows: Row[], total: number, sort: SearchRequest['sort']): SearchPage {
    return {
      ids: rows.map((r) => r.id),
      total,
      values: rows.map((r) => ({ id: r.id, lastUpdated: r.lu, ...(sort === 'score' ? { score: r.s } : {}) })),
      scores: new Map(rows.map((r) => [r.id, r.s])),
    };
  }

  async search(d: DatasetName, request: SearchRequest, after: SortValues | null, size: number, withScores = false): Promise<SearchPage> {
    try {
      return await this.run(d, request, after, size, withScores);
    } catch (error) {
      // 57014: canceled by statement_timeout.
      if ((error as { code?: string }).code === '57014') throw new SearchTimeoutError('search exceeded its time budget');
      throw error;
    }
  }

  private async run(d: DatasetName, request: SearchRequest, after: SortValues | null, size: number, withScores: boolean): Promise<SearchPage> {
    if (request.query.kind === 'match_all') return this.everything(d, request, after, size);
    const scored = request.sort === 'score' || withScores;
    const clauses = scored ? scoringClauses(request.query) : [];
    const compiler = await this.prepared(d, [request.query, ...clauses.map((c) => c.expression)]);
    const hits = compiler.compile(request.query);
    const hitSet = `hits AS MATERIALIZED (SELECT DISTINCT id FROM ${pgDialect.from(hits.text)})`;
    const params: unknown[] = [...hits.params];
    let scores = 'SELECT id, 0::float8 AS s FROM hits';
    if (scored) {
      const parts = clauses.map((c) => ({ plain: compiler.scorable(c.expression), boost: c.boost })).filter((p) => p.plain !== null);
      if (parts.length === 0) scores = `SELECT id, ${Number(request.query.boost)}::float8 AS s FROM hits`;
      else {
        const joins = parts.map((p, i) => {
          const t = p.plain!.ftsTable!;
          params.push(p.plain!.params[0], p.plain!.params[0]);
          return `LEFT JOIN (SELECT doc AS id, max(ts_rank(tsv, ?::tsquery))::float8 * ${Number(p.boost)} AS s FROM ${t} WHERE tsv @@ ?::tsquery GROUP BY doc) j${i} ON j${i}.id = h.id`;
        });
        scores = `SELECT h.id, ${parts.map((_, i) => `coalesce(j${i}.s, 0)`).join(' + ')} AS s FROM hits h ${joins.join(' ')}`;
      }
    }
    const { where, order } = ordering(request.sort, after, params, nullsLast);
    // The total rides on the page's rows, so the hit set is computed once per request (a separate
    // count statement doubled the time of broad queries, bench:stores); only an empty page needs
    // its own count.
    const text = `WITH ${hitSet} SELECT id, lu, s, (SELECT count(*) FROM hits)::bigint AS total FROM (SELECT r.id AS id, r.last_updated AS lu, sc.s AS s FROM (${scores}) sc JOIN ${d}_records r ON r.id = sc.id) AS page ${where} ORDER BY ${order} LIMIT ?`;
    const rows = await this.rows({ text, params: [...params, size] }) as (Row & { total: number })[];
    const total = rows[0]?.total ?? Number((await this.pool.query<{ n: number }>(numbered(`WITH ${hitSet} SELECT count(*)::bigint AS n FROM hits`), [...hits.params])).rows[0]!.n);
    return this.shape(rows, total, request.sort);
  }

  /** match_all: every indexed record, paged by walking the records in order. */
  private async everything(d: DatasetName, request: SearchRequest, after: SortValues | null, size: number): Promise<SearchPage> {
    const fts = ftsTable(d, '');
    const total = Number((await this.pool.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${fts}`)).rows[0]!.n);
    const params: unknown[] = [];
    const score = Number(request.query.boost);
    const { where, order } = ordering(request.sort === 'id' ? 'id' : 'default', after, params, nullsLast);
    const text = `SELECT id, lu, ${score}::float8 AS s FROM (SELECT r.id AS id, r.last_updated AS lu FROM ${d}_records r WHERE EXISTS (SELECT 1 FROM ${fts} f WHERE f.doc = r.id)) AS page ${where} ORDER BY ${order} LIMIT ?`;
    return this.shape(await this.rows({ text, params: [...params, size] }), total, request.sort);
  }
}
