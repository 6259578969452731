// Runs query plans on PostgreSQL: exact total, one page in the requested order after a cursor,
// and (for `_score` order and preview) BM25 scores of the scoring clauses (src/search/bm25.ts). A request is
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
import { docsPerRecord, fieldTotalsTable, ftsTable, lengthsTable, termRanges } from '../sql/search-tables.js';
import { ClauseScorer, clauseTokens, intToByte4, type ClauseDoc, type FieldStats } from '../../search/bm25.js';
import { documentLengths } from '../../search/doc-lengths.js';
import { exactPhrases } from '../sql/near-phrases.js';
import { scoreExpression } from '../sql/score-sql.js';
import { mapPlan, uniformScore, type Plan, type ScoreNode, type ScoringPart, type SearchPlan } from '../../query/plan/plan.js';
import type { SortKey } from '../../query/ast.js';
import type { PgPostingsCache } from './pg-postings-cache.js';
import { shardVersions } from './pg-shard-versions.js';
import { maxIdsFromSql } from '../sqlite/bitmap-search.js';
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
    private readonly maxPatternTerms = defaultMaxPatternTerms,
    /** The whole search budget, for a search that did not wait its turn (ms). */
    private readonly timeoutMs = 10_000,
    /** The node's copy of the postings, searched first when current (null: every search in SQL). */
    private readonly cache: PgPostingsCache | null = null,
  ) {}

  /** How the last search found its hits: on the node's copy of the postings or in SQL (tests). */
  lastWay: 'bitmaps' | 'sql' = 'sql';

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
      const running = this.run(within, d, request, after, size, withScores, deadline);
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

  /** Each field's statistics for BM25 (`${type}\t${col}`), from the totals the index writer keeps; only document type `only`'s when given. */
  private async fieldStats(q: QueryPool, d: DatasetName, only?: string): Promise<Map<string, FieldStats>> {
    const where = only === undefined ? '' : 'WHERE type = $1';
    const totals = await q.query<{ type: string; col: number; docs: string; tokens: string }>(
      `SELECT type, col, sum(docs) AS docs, sum(tokens) AS tokens FROM ${fieldTotalsTable(d)} ${where} GROUP BY type, col`,
      only === undefined ? [] : [only],
    );
    return new Map<string, FieldStats>(
      totals.rows.filter((r) => Number(r.docs) > 0).map((r) => [`${r.type}\t${r.col}`, { docCount: Number(r.docs), tokens: Number(r.tokens), keyword: this.layouts[d].byPath.get(r.type)?.tokenFields[r.col]?.def.type !== 'text' }]),
    );
  }

  /**
   * Each scoring clause's relevance (src/search/bm25.ts) for the hits it matches: term counts and
   * positions from the hits' tsvectors, lengths and field statistics from the tables the index
   * writer keeps (pg-search-schema.ts), each term's document count from the GIN index.
   */
  private async clauseScores(q: QueryPool, d: DatasetName, planSql: PlanSql, hits: Sql, parts: readonly ScoringPart[]): Promise<{ ids: number[]; scores: number[] }[]> {
    const stats = await this.fieldStats(q, d);
    const out: { ids: number[]; scores: number[] }[] = [];
    for (const part of parts) {
      const { type, column: col } = part.plan;
      const fts = ftsTable(d, type);
      const field = stats.get(`${type}\t${col}`);
      const done = { ids: [] as number[], scores: [] as number[] };
      out.push(done);
      if (field === undefined) continue;
      const syntax = pgDialect.syntax(col);
      const docFreq = new Map<string, number>();
      const { terms, prefixes } = clauseTokens(part.plan.expr);
      for (const token of terms) {
        docFreq.set(token, Number((await q.query<{ n: string }>(`SELECT count(*) AS n FROM ${fts} WHERE tsv @@ $1::tsquery`, [syntax.term(token)])).rows[0]!.n));
      }
      const matched = planSql.render(part.plan);
      const prefix = `${col}_`;
      const record = type === '' ? 'm.id' : `m.id / ${docsPerRecord}`;
      const rows = (await q.query<{ id: string; lens: number[] | null; lexeme: string | null; positions: number[] | null }>(numbered(
        `WITH hits AS MATERIALIZED (SELECT DISTINCT id FROM ${pgDialect.from(hits.text)}), m AS (SELECT DISTINCT id FROM ${pgDialect.from(matched.text)})
         SELECT m.id, l.lens, u.lexeme, u.positions FROM m JOIN hits h ON h.id = ${record} JOIN ${fts} f ON f.doc = m.id
         LEFT JOIN ${lengthsTable(d)} l ON l.id = ${record} LEFT JOIN LATERAL unnest(f.tsv) AS u ON u.lexeme = ANY(?::text[])`,
      ), [...hits.params, ...matched.params, terms.map((t) => prefix + t)])).rows;
      const docs = new Map<number, { len: number; positions: Map<string, number[]> }>();
      for (const r of rows) {
        const id = Number(r.id);
        let doc = docs.get(id);
        if (!doc) docs.set(id, (doc = { len: (r.lens === null ? null : documentLengths(this.layouts[d], r.lens, type, type === '' ? 0 : id % docsPerRecord))?.[col] ?? 0, positions: new Map() }));
        if (r.lexeme !== null) doc.positions.set(r.lexeme.slice(prefix.length), r.positions ?? []);
      }
      const prefixed = new Map<string, Set<number>>();
      for (const token of prefixes) {
        const found = await q.query<{ doc: string }>(`SELECT doc FROM ${fts} WHERE doc = ANY($1::bigint[]) AND tsv @@ $2::tsquery`, [[...docs.keys()], syntax.prefix(token)]);
        prefixed.set(token, new Set(found.rows.map((r) => Number(r.doc))));
      }
      const scorer = new ClauseScorer(part.plan.expr, field, (token) => docFreq.get(token) ?? 0, part.boost);
      let id = 0;
      let doc: { len: number; positions: Map<string, number[]> } | undefined;
      const view: ClauseDoc = {
        get norm() {
          return intToByte4(doc?.len ?? 0);
        },
        freq: (token) => doc?.positions.get(token)?.length ?? 0,
        positions: (token) => doc?.positions.get(token) ?? [],
        prefixed: (token) => prefixed.get(token)?.has(id) === true,
      };
      for ([id, doc] of docs) {
        done.ids.push(id);
        done.scores.push(scorer.score(view));
      }
    }
    return out;
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

  /**
   * The page from the node's copy of the postings, when every part of it is built from the
   * records the database holds now and it holds the plan's leaves; null otherwise.
   */
  private async fromCache(q: QueryPool, d: DatasetName, plan: Plan, sort: SortKey, after: SortValues | null, size: number, score: number, deadline: number, scoring?: { parts: readonly ScoringPart[]; tree: ScoreNode }): Promise<SearchPage | null> {
    if (this.cache === null || (sort === 'score') !== (scoring !== undefined)) return null;
    const versions = await shardVersions(q, d);
    const leaves = this.cache.leavesFromSql(d, plan, versions, scoring?.parts);
    if (leaves === null) return null;
    // Leaves the copy does not hold (a long text column, a rare-term column's phrase) are read
    // from SQL as record ids while selective, as the embedded store does.
    const asIds = new Map<Plan, Plan>();
    const render = new PlanSql(pgDialect, d);
    for (const leaf of leaves) {
      const sql = render.render(leaf);
      const { rows } = await q.query<{ id: string }>(numbered(`SELECT DISTINCT id FROM ${pgDialect.from(sql.text)} LIMIT ${maxIdsFromSql + 1}`), [...sql.params]);
      if (rows.length > maxIdsFromSql) return null;
      asIds.set(leaf, { op: 'ids', values: rows.map((r) => Number(r.id)) });
    }
    // The copy scores clauses of the record type: its fields' statistics, by column.
    const stats = scoring === undefined ? undefined : [...(await this.fieldStats(q, d, ''))].map(([key, v]) => [Number(key.slice(1)), v] as const);
    const page = await this.cache.page(d, asIds.size === 0 ? plan : mapPlan(plan, (node) => asIds.get(node)), versions, sort, after, size, score, deadline - Date.now(), scoring && { ...scoring, stats: stats! });
    if (page !== null) this.lastWay = 'bitmaps';
    return page;
  }

  private async run(q: QueryPool, d: DatasetName, request: SearchRequest, after: SortValues | null, size: number, withScores: boolean, deadline: number): Promise<SearchPage> {
    this.lastWay = 'sql';
    if (request.query.kind === 'match_all') {
      return (await this.fromCache(q, d, { op: 'all', type: '' }, request.sort, after, size, Number(request.query.boost), deadline)) ?? this.everything(q, d, request, after, size);
    }
    const planSql = new PlanSql(pgDialect, d);
    const plan = await this.exactPhrases(q, d, planSql, await resolveSearch(request, withScores, {
      layout: this.layouts[d],
      maxPatternTerms: this.maxPatternTerms,
      vocabulary: (type, col, prefix) => this.vocabulary(q, d, type, col, prefix),
    }));
    if (request.sort === 'score' && plan.scoring !== null && plan.score !== null) {
      const cached = await this.fromCache(q, d, plan.hits, 'score', after, size, 0, deadline, { parts: plan.scoring, tree: plan.score });
      if (cached !== null) return cached;
    }
    // Every hit's score, when the tree gives them all the same one (0 when none is wanted).
    const uniform = plan.score === null ? 0 : uniformScore(plan.score);
    if (uniform !== null && request.sort !== 'score') {
      const cached = await this.fromCache(q, d, plan.hits, request.sort, after, size, uniform, deadline);
      if (cached !== null) return cached;
    }
    let hits = planSql.render(plan.hits);
    // Clauses that score read the hits first (their terms' positions among the hits); the page
    // then takes the same ids instead of computing the hit set a second time.
    if (plan.scoring !== null && plan.scoring.length > 0) {
      const ids = (await q.query<{ id: string }>(numbered(`SELECT DISTINCT id FROM ${pgDialect.from(hits.text)}`), [...hits.params])).rows.map((r) => Number(r.id));
      hits = { text: 'SELECT unnest(?::bigint[]) AS id', params: [ids] };
    }
    const hitSet = `hits AS MATERIALIZED (SELECT DISTINCT id FROM ${pgDialect.from(hits.text)})`;
    const params: unknown[] = [...hits.params];
    let scores = 'SELECT id, 0::float8 AS s FROM hits';
    if (plan.scoring !== null && plan.score !== null) {
      const scored = await this.clauseScores(q, d, planSql, hits, plan.scoring);
      const score = scoreExpression(plan.score, planSql, {
        greatest: (xs) => `GREATEST(${xs.join(', ')})`,
        from: pgDialect.from,
        hits: 'hits',
        clause: (part, on, alias) => ({
          join: { text: `LEFT JOIN unnest(?::bigint[], ?::float8[]) AS ${alias}(id, s) ON ${alias}.id = ${on}`, params: [scored[part]!.ids, scored[part]!.scores] },
          expression: `coalesce(${alias}.s, 0)`,
        }),
      });
      params.push(...score.joins.params);
      scores = `SELECT h.id, (${score.expression})::float8 AS s FROM hits h ${score.joins.text}`;
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
