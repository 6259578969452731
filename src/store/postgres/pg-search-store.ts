// Runs query plans on PostgreSQL: exact total, one page in the requested order after a cursor,
// and (for `_score` order and preview) ts_rank scores of the scoring clauses. A request is
// resolved into a plan once, reading the vocabulary table for pattern expansion as it goes, and
// rendered once in the PostgreSQL dialect.
import type { QueryPool, TimedQueryPool } from './pg-replicas.js';
import { DeadlinePassedError } from './pg-util.js';
import type { DatasetName } from '../../datasets/datasets.js';
import type { SearchRequest } from '../../query/ast.js';
import { defaultMaxPatternTerms, resolveSearch } from '../../query/plan/resolve-plan.js';
import { decodeToken } from '../../search/index-documents.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { ordering, scoreCut } from '../sql/search-order.js';
import { ftsTable, termRanges } from '../sql/search-tables.js';
import { exactPhrases } from '../sql/near-phrases.js';
import { scoreExpression } from '../sql/score-sql.js';
import type { SearchPlan } from '../../query/plan/plan.js';
import { PlanSql, type Sql } from '../sql/plan-sql.js';
import { SearchTimeoutError, type SearchPage, type SearchStore, type SortValues } from '../store.js';
import { numbered, pgDialect } from './pg-query-compiler.js';
import { vocabTable } from './pg-search-schema.js';

const nullsLast = ' NULLS LAST';

interface Row {
  id: number;
  lu: string | null;
  s: number;
}

export class PgSearchStore implements SearchStore {
  constructor(
    private readonly pool: TimedQueryPool,
    private readonly layouts: Readonly<Record<DatasetName, IndexLayout>>,
    private readonly maxExpansions = 50,
    private readonly maxPatternTerms = defaultMaxPatternTerms,
    /** The whole search budget, for a search that did not wait its turn (ms). */
    private readonly timeoutMs = 10_000,
  ) {}

  /** Decoded stored terms of one column that start with `prefix` (all when it is ''). */
  private async vocabulary(q: QueryPool, d: DatasetName, type: string, col: number, prefix: string): Promise<string[]> {
    const range = `SELECT term FROM ${vocabTable(d)} WHERE type = $1 AND col = $2 AND term >= $3 AND term < $4 ORDER BY term`;
    const out: string[] = [];
    for (const [from, to] of termRanges(prefix)) {
      for (const r of (await q.query<{ term: string }>(range, [type, col, from, to])).rows) out.push(decodeToken(r.term));
    }
    return out;
  }

  private async rows(q: QueryPool, statement: Sql): Promise<Row[]> {
    return (await q.query<Row>(numbered(statement.text), [...statement.params])).rows;
  }

  private shape(rows: Row[], total: number, sort: SearchRequest['sort']): SearchPage {
    return {
      ids: rows.map((r) => r.id),
      total,
      values: rows.map((r) => ({ id: r.id, lastUpdated: r.lu, ...(sort === 'score' ? { score: r.s } : {}) })),
      scores: new Map(rows.map((r) => [r.id, r.s])),
    };
  }

  async search(d: DatasetName, request: SearchRequest, after: SortValues | null, size: number, withScores = false, budgetMs?: number): Promise<SearchPage> {
    // A search that did not wait its turn has the whole budget; one that waited, what is left.
    const budget = budgetMs ?? this.timeoutMs;
    try {
      if (budget <= 0) throw new SearchTimeoutError('search exceeded its time budget');
      // Every statement runs with the search's deadline, so the database stops it when the client
      // hears the 503 (the pool's own timeout counts from each statement's start).
      const deadline = Date.now() + budget;
      const within: QueryPool = { query: (text, params) => this.pool.query(text, params, deadline) };
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SearchTimeoutError('search exceeded its time budget')), budget);
      });
      const running = this.run(within, d, request, after, size, withScores);
      running.catch(() => undefined);
      try {
        return await Promise.race([running, expired]);
      } finally {
        clearTimeout(timer);
      }
    } catch (error) {
      // 57014: canceled by statement_timeout.
      if ((error as { code?: string }).code === '57014' || error instanceof DeadlinePassedError) throw new SearchTimeoutError('search exceeded its time budget');
      throw error;
    }
  }

  /**
   * The plan with its sloppy phrases as the documents that hold them (near-phrases.ts): the
   * dialect's superset selects candidates, each checked on its record, a few hundred at a time.
   */
  private exactPhrases(q: QueryPool, d: DatasetName, planSql: PlanSql, plan: SearchPlan): Promise<SearchPlan> {
    return exactPhrases(plan, this.layouts[d], {
      candidates: async (leaf) => {
        const sql = planSql.render(leaf);
        return (await q.query<{ id: string | number }>(numbered(`SELECT DISTINCT id FROM ${pgDialect.from(sql.text)} ORDER BY id`), [...sql.params])).rows.map((r) => Number(r.id));
      },
      records: async (ids) => {
        const rows = (await q.query<{ id: string | number; record: string }>(`SELECT id, record FROM ${d}_records WHERE id = ANY($1::bigint[])`, [ids])).rows;
        return new Map(rows.map((r) => [Number(r.id), JSON.parse(r.record) as Record<string, unknown>]));
      },
    });
  }

  private async run(q: QueryPool, d: DatasetName, request: SearchRequest, after: SortValues | null, size: number, withScores: boolean): Promise<SearchPage> {
    if (request.query.kind === 'match_all') return this.everything(q, d, request, after, size);
    const planSql = new PlanSql(pgDialect, d);
    const plan = await this.exactPhrases(q, d, planSql, await resolveSearch(request, withScores, {
      layout: this.layouts[d],
      maxExpansions: this.maxExpansions,
      maxPatternTerms: this.maxPatternTerms,
      vocabulary: (type, col, prefix) => this.vocabulary(q, d, type, col, prefix),
    }));
    const hits = planSql.render(plan.hits);
    const hitSet = `hits AS MATERIALIZED (SELECT DISTINCT id FROM ${pgDialect.from(hits.text)})`;
    const params: unknown[] = [...hits.params];
    let scores = 'SELECT id, 0::float8 AS s FROM hits';
    if (plan.scoring !== null && plan.score !== null) {
      const joins = plan.scoring.map((part, i) => {
        const expression = planSql.expression(part.plan);
        params.push(expression, expression);
        return `LEFT JOIN (SELECT doc AS id, max(ts_rank(tsv, ?::tsquery))::float8 * ${Number(part.boost)} AS s FROM ${ftsTable(d, part.plan.type)} WHERE tsv @@ ?::tsquery GROUP BY doc) j${i} ON j${i}.id = h.id`;
      });
      const score = scoreExpression(plan.score, planSql, { greatest: (xs) => `GREATEST(${xs.join(', ')})`, from: pgDialect.from }, (i) => `coalesce(j${i}.s, 0)`);
      params.push(...score.joins.params);
      scores = `SELECT h.id, (${score.expression})::float8 AS s FROM hits h ${joins.join(' ')} ${score.joins.text}`;
    }
    const { where, order } = ordering(request.sort, after, params, nullsLast);
    // The total rides on the page's rows, so the hit set is computed once per request (a separate
    // count statement doubled the time of broad queries, bench:stores); only an empty page needs
    // its own count.
    const cut = scoreCut(request.sort, after, size, "'-Infinity'::float8");
    const text = `WITH ${hitSet}, sc AS MATERIALIZED (${scores}) SELECT id, lu, s, (SELECT count(*) FROM hits)::bigint AS total FROM (SELECT r.id AS id, r.last_updated AS lu, sc.s AS s FROM sc JOIN ${d}_records r ON r.id = sc.id${cut}) AS page ${where} ORDER BY ${order} LIMIT ?`;
    const rows = await this.rows(q, { text, params: [...params, size] }) as (Row & { total: number })[];
    const total = rows[0]?.total ?? Number((await q.query<{ n: number }>(numbered(`WITH ${hitSet} SELECT count(*)::bigint AS n FROM hits`), [...hits.params])).rows[0]!.n);
    return this.shape(rows, total, request.sort);
  }

  /** match_all: every indexed record, paged by walking the records in order. */
  private async everything(q: QueryPool, d: DatasetName, request: SearchRequest, after: SortValues | null, size: number): Promise<SearchPage> {
    const fts = ftsTable(d, '');
    const total = Number((await q.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${fts}`)).rows[0]!.n);
    const params: unknown[] = [];
    const score = Number(request.query.boost);
    const { where, order } = ordering(request.sort === 'id' ? 'id' : 'default', after, params, nullsLast);
    const text = `SELECT id, lu, ${score}::float8 AS s FROM (SELECT r.id AS id, r.last_updated AS lu FROM ${d}_records r WHERE EXISTS (SELECT 1 FROM ${fts} f WHERE f.doc = r.id)) AS page ${where} ORDER BY ${order} LIMIT ?`;
    return this.shape(await this.rows(q, { text, params: [...params, size] }), total, request.sort);
  }
}
