// Runs query plans: exact total, one page in the requested order after a cursor, and (for
// `_score` order and preview) Lucene's BM25 scores (src/search/bm25.ts). A request is resolved into a plan once (analysis and
// pattern expansion against the term dictionary, or FTS5's vocabulary for text columns), then
// rendered in the SQLite dialect.
import type { Database, Statement } from 'better-sqlite3';
import { perDataset, type DatasetName } from '../../datasets/datasets.js';
import type { SearchRequest } from '../../query/ast.js';
import { isKeywordColumn, prefixEnd } from '../../search/index-terms.js';
import { decodeToken, existsToken } from '../../search/index-documents.js';
import type { IndexLayout } from '../../search/index-layout.js';
import type { SearchPage, SearchStore, SortValues } from '../store.js';
import { column, ftsTable, recencyIndex, termRanges, vocabTable } from './search-schema.js';
import { sqliteDialect } from './sqlite-query-compiler.js';
import { ClauseScorer, clauseTokens, intToByte4, type ClauseDoc } from '../../search/bm25.js';
import { FieldLengths } from './field-lengths.js';
import { ordering, scoreCut } from '../sql/search-order.js';
import { PlanSql, type Sql } from '../sql/plan-sql.js';
import { defaultMaxPatternTerms, resolveSearch, type ResolveOptions } from '../../query/plan/resolve-plan.js';
import { uniformScore, type Plan, type ScoreNode, type ScoringPart, type SearchPlan } from '../../query/plan/plan.js';
import { scoreExpression } from '../sql/score-sql.js';
import { exactPhrases } from '../sql/near-phrases.js';
import { docsPerRecord } from '../sql/search-tables.js';
import type { StoredValue } from '../stored-record.js';
import { dictionariesOf } from './record-dictionaries.js';
import { BitmapScores } from './bitmap-scores.js';
import { BitmapPostings, HitSet, maxIdsFromSql, TooBroad, type PostingsState } from './bitmap-search.js';

/**
 * The default order either sorts the hits (a random read of each hit's record, for its
 * last_updated) or walks the newest-first index and keeps the hits (about page × records / hits
 * index entries before the page is full). A record read cost about as much as 5-10 index entries
 * at 100,000 people and 20-30 at 1,000,000 (records no longer all in the page cache), measured
 * over the bench:search set (bench/RESULTS.md); 16 sits between.
 */
const readCostInSteps = 16;
/** How long a dataset's record count is reused for that choice (it only steers the plan). */
const recountMs = 60_000;

export interface SearchStoreOptions {
  /** Most stored terms one pattern may expand to (default: defaultMaxPatternTerms). */
  readonly maxPatternTerms?: number;
  /** Called before each read so reads share the per-turn read transaction. */
  readonly enterRead?: () => void;
  /** Tests: hit count above which the default order walks the records index (default: by cost). */
  readonly broadThreshold?: number;
  /** Whether plans the bitmap postings hold run on them (default true; false: always SQL). */
  readonly bitmaps?: boolean;
  /** Whether text columns' terms come from the postings' word lists (default true; false: from FTS5's vocabulary, as bench:patterns compares). */
  readonly wordLists?: boolean;
}

/**
 * The page of few hits (search_hits) in the default order: each hit's last_updated from the
 * covering (id, last_updated) index, then sorted; every hit scores `score`.
 */
function sortedHitsSql(d: DatasetName, where: string, order: string, score: number): string {
  return `SELECT id, lu, ${Number(score)} AS s FROM (SELECT r.id AS id, r.last_updated AS lu FROM search_hits h CROSS JOIN ${d}_records r INDEXED BY ${recencyIndex(d)} ON r.id = h.id) ${where} ORDER BY ${order} LIMIT ?`;
}

export class SqliteSearchStore implements SearchStore {
  private readonly resolve: Record<DatasetName, ResolveOptions>;
  private readonly sql: Record<DatasetName, PlanSql>;
  private readonly vocab = new Map<string, Statement<unknown[], string>>();
  private readonly recordCounts = new Map<DatasetName, { n: number; at: number }>();
  private readonly postings: Record<DatasetName, BitmapPostings>;
  private readonly scores: Record<DatasetName, BitmapScores>;
  private readonly lengths: Record<DatasetName, FieldLengths>;

  constructor(private readonly db: Database, layouts: Readonly<Record<DatasetName, IndexLayout>>, private readonly options: SearchStoreOptions = {}) {
    this.resolve = perDataset((d) => ({
      layout: layouts[d],
      maxPatternTerms: options.maxPatternTerms ?? defaultMaxPatternTerms,
      vocabulary: (type: string, col: number, prefix: string) => this.vocabulary(d, type, col, prefix),
    }));
    this.sql = perDataset((d) => new PlanSql(sqliteDialect, d));
    this.postings = perDataset((d) => {
      const postings = new BitmapPostings(db, d);
      postings.sqlIds = (plan) => {
        const sql = this.sql[d].render(plan);
        const ids = this.db.prepare(`SELECT id FROM (${sql.text}) LIMIT ${maxIdsFromSql + 1}`).pluck().all(...sql.params) as number[];
        return ids.length > maxIdsFromSql ? null : ids;
      };
      return postings;
    });
    this.lengths = perDataset((d) => new FieldLengths(db, d, layouts[d]));
    this.scores = perDataset((d) => new BitmapScores(this.postings[d], this.lengths[d]));
  }

  /**
   * Terms of one token column that start with `prefix` (all when it is ''): from the term
   * dictionary for a keyword column, from FTS5's own vocabulary for a text column.
   */
  private vocabulary(d: DatasetName, type: string, col: number, prefix: string): string[] {
    if (!isKeywordColumn(this.resolve[d].layout, type, col)) return this.textVocabulary(d, type, col, prefix);
    const end = prefixEnd(prefix);
    const key = `${d}${end === null ? '' : '<'}`;
    let stmt = this.vocab.get(key);
    if (!stmt) {
      stmt = this.db.prepare<unknown[], string>(`SELECT term FROM ${vocabTable(d)} WHERE type = ? AND col = ? AND term >= ?${end === null ? '' : ' AND term < ?'}`).pluck();
      this.vocab.set(key, stmt);
    }
    return end === null ? stmt.all(type, col, prefix) : stmt.all(type, col, prefix, end);
  }

  /**
   * A text column's tokens (kept as themselves when [a-z0-9]+, else as the marker + hex): from
   * the postings' word lists while they are current, else from FTS5, whose vocabulary lists
   * every column's terms to find one column's (at 1M people ~3.4 s for `full_name`, against
   * ~2 ms for its list).
   */
  private textVocabulary(d: DatasetName, type: string, col: number, prefix: string): string[] {
    const state = this.options.bitmaps === false || this.options.wordLists === false ? null : this.postings[d].state();
    const words = state === null ? null : this.postings[d].words(state, type, col);
    this.lastVocabulary = words === null ? 'fts5' : 'postings';
    if (words !== null) {
      const out: string[] = [];
      for (const [from, to] of termRanges(prefix)) {
        // The first word not before `from` (binary search), then each word before `to`.
        let lo = 0;
        let hi = words.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (words[mid]! < from) lo = mid + 1;
          else hi = mid;
        }
        for (let i = lo; i < words.length && words[i]! < to; i++) out.push(decodeToken(words[i]!));
      }
      return out;
    }
    const table = ftsTable(d, type);
    let stmt = this.vocab.get(table);
    if (!stmt) {
      this.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.${table}_vocab USING fts5vocab(main, '${table}', 'col')`);
      stmt = this.db.prepare<unknown[], string>(`SELECT DISTINCT term FROM temp.${table}_vocab WHERE col = ? AND term >= ? AND term < ?`).pluck();
      this.vocab.set(table, stmt);
    }
    const out: string[] = [];
    for (const [from, to] of termRanges(prefix)) for (const t of stmt.all(column(col), from, to)) if (t !== existsToken) out.push(decodeToken(t));
    return out;
  }

  /** Where the last text column's terms were listed from (tests). */
  lastVocabulary: 'postings' | 'fts5' | null = null;

  /** How the last search found its hits: on the bitmap postings or in SQL (tests). */
  lastWay: 'bitmaps' | 'sql' = 'sql';

  /** The statements of the last search (hit set, page), for EXPLAIN QUERY PLAN in tests. */
  lastStatements: Sql[] = [];

  /** SQLite's plans for the statements of the last search, one line per step. */
  explainLast(): string[] {
    return this.lastStatements.flatMap((st, i) => {
      const rows = this.db.prepare(`EXPLAIN QUERY PLAN ${st.text}`).all(...st.params) as { id: number; parent: number; detail: string }[];
      const depth = new Map<number, number>([[0, -1]]);
      return [i === 0 && this.lastStatements.length > 1 ? '-- hits' : '-- page', ...rows.map((r) => {
        const d = (depth.get(r.parent) ?? 0) + 1;
        depth.set(r.id, d);
        return `${'  '.repeat(d)}${r.detail}`;
      })];
    });
  }

  async search(d: DatasetName, request: SearchRequest, after: SortValues | null, size: number, withScores = false): Promise<SearchPage> {
    this.options.enterRead?.();
    this.lastWay = 'sql';
    if (request.query.kind === 'match_all') {
      // Every record: the total and the page come from the postings while they are current.
      const state = this.options.bitmaps !== false && request.sort !== 'score' ? this.postings[d].state() : null;
      if (state === null) return this.everything(d, request, after, size);
      this.lastWay = 'bitmaps';
      return this.bitmapPage(d, new HitSet(this.postings[d].evaluate({ op: 'all', type: '' }, state)), state, request.sort, after, size, Number(request.query.boost));
    }
    const plan = await this.exactPhrases(d, await resolveSearch(request, withScores, this.resolve[d]));
    // The postings' state, read once a search (null: bitmaps off, or a shard not current).
    let known: PostingsState | null | undefined;
    const current = (): PostingsState | null => (known === undefined ? (known = this.options.bitmaps === false ? null : this.postings[d].state()) : known);
    // `_score` order whose clauses the postings can score (terms of the record type).
    if (this.options.bitmaps !== false && request.sort === 'score' && plan.scoring !== null && plan.score !== null) {
      const scored = this.scoredOnBitmaps(d, current(), plan.hits, plan.scoring, plan.score, after, size);
      if (scored !== null) return scored;
    }
    // `_score` order of a query that is one scoring clause (a single match, multi_match on one
    // field, ...): its hits are the clause's scored documents, without a pass for the hits and
    // the scores joined back to them (at 1M people, 46,654 hits: ~160 -> ~90 ms with FTS5's bm25()).
    const only = plan.score?.op === 'clause' ? plan.scoring![plan.score.part]! : null;
    if (request.sort === 'score' && only !== null && JSON.stringify(only.plan) === JSON.stringify(plan.hits)) return this.scoredOnce(d, only, after, size);
    // Every hit's score, when the tree gives them all the same one (0 when none is wanted).
    const uniform = plan.score === null ? 0 : uniformScore(plan.score);
    // Sets the bitmap postings hold are computed on them, when no clause scores.
    if (this.options.bitmaps !== false && request.sort !== 'score' && uniform !== null) {
      const state = current();
      const cover = state === null ? null : BitmapPostings.coverage(plan.hits, state);
      if (state !== null && cover !== null && cover.runs && cover.held > 0) {
        try {
          const hits = new HitSet(this.postings[d].evaluate(plan.hits, state));
          this.lastWay = 'bitmaps';
          return this.bitmapPage(d, hits, state, request.sort, after, size, uniform);
        } catch (error) {
          if (!(error instanceof TooBroad)) throw error;
        }
      }
    }
    const hits = this.sql[d].render(plan.hits);
    // The matching ids are computed once into a temporary table keyed by id; it serves the exact
    // total and the page (running the set query twice cost up to 2x on broad queries). CROSS JOIN
    // keeps the hits as the outer loop: the planner has no statistics for the temporary table and
    // would otherwise scan every record.
    this.emptyHitTable();
    const fill = { text: `INSERT OR IGNORE INTO search_hits (id) SELECT id FROM (${hits.text})`, params: hits.params };
    this.db.prepare(fill.text).run(...fill.params);
    const total = (this.db.prepare('SELECT count(*) AS n FROM search_hits').get() as { n: number }).n;
    const params: unknown[] = [];
    let text: string;
    if (plan.scoring !== null && plan.score !== null) {
      const scores = this.scoreSql(d, plan.scoring, plan.score);
      params.push(...scores.params);
      text = this.scoredPageSql(d, request.sort, [...scores.ctes, `sc AS MATERIALIZED (${scores.text})`], after, size, params);
    } else if (request.sort === 'id') {
      // search_hits is already in id order: no sort at all.
      if (after) params.push(after.id);
      text = `SELECT h.id AS id, r.last_updated AS lu, 0 AS s FROM search_hits h CROSS JOIN ${d}_records r INDEXED BY ${recencyIndex(d)} ON r.id = h.id ${after ? 'WHERE h.id > ?' : ''} ORDER BY h.id LIMIT ?`;
    } else {
      // Few hits while the postings are current: their page comes from the shards' default order
      // (the prefix `Jo` on a rare-term column at 1M people, 18,555 hits: the walk below took
      // ~13 ms, reading the ids and paging them ~5).
      const state = total <= maxIdsFromSql ? current() : null;
      if (state !== null) {
        const ids = this.db.prepare('SELECT id FROM search_hits').pluck().all() as number[];
        const page = this.bitmapPage(d, HitSet.of(ids), state, request.sort, after, size, 0);
        this.lastStatements = [fill];
        return page;
      }
      const { where, order } = ordering('default', after, params);
      // Many hits: walk the records in (last_updated, id) order and keep the hits, which stops
      // after one page; few hits: sort just them.
      text = this.walks(total, size, () => this.recordCount(d))
        ? `SELECT id, lu, 0 AS s FROM (SELECT r.id AS id, r.last_updated AS lu FROM ${d}_records r INDEXED BY ${d}_records_recent WHERE r.id IN (SELECT id FROM search_hits)) ${where} ORDER BY ${order} LIMIT ?`
        : sortedHitsSql(d, where, order, 0);
    }
    return this.page([fill], { text, params: [...params, size] }, total, request.sort);
  }

  /**
   * The plan with its sloppy phrases as the documents that hold them (near-phrases.ts): FTS5's
   * NEAR selects candidates, each checked on its record as the index holds it (the deferred
   * index queue's older version while one is queued), a few hundred records at a time.
   */
  private exactPhrases(d: DatasetName, plan: SearchPlan): Promise<SearchPlan> {
    // Prepared once a search, and only by a search with a sloppy phrase.
    let statement: Statement<[string], { id: number; rec: StoredValue | null }> | undefined;
    const read = (): Statement<[string], { id: number; rec: StoredValue | null }> =>
      (statement ??= this.db.prepare(`SELECT r.id AS id, CASE WHEN q.id IS NULL THEN r.record ELSE q.old_record END AS rec FROM ${d}_records r LEFT JOIN ${d}_index_queue q ON q.id = r.id WHERE r.id IN (SELECT value FROM json_each(?))`));
    const dictionaries = dictionariesOf(this.db);
    return exactPhrases(plan, this.resolve[d].layout, {
      candidates: (leaf) => {
        const sql = this.sql[d].render(leaf);
        return this.db.prepare(`SELECT DISTINCT id FROM (${sql.text}) ORDER BY id`).pluck().all(...sql.params) as number[];
      },
      records: (ids) => {
        const out = new Map<number, Record<string, unknown>>();
        for (const row of read().iterate(JSON.stringify(ids))) if (row.rec !== null) out.set(row.id, dictionaries.parse(row.rec));
        return out;
      },
    });
  }

  /** The page of hits computed on the bitmap postings (BitmapPostings.page); every hit scores `score`. */
  private bitmapPage(d: DatasetName, hits: HitSet, state: PostingsState, sort: SearchRequest['sort'], after: SortValues | null, size: number, score: number): SearchPage {
    this.lastStatements = [];
    return this.postings[d].page(hits, state, sort, after, size, score);
  }

  /** The page in `_score` order on the bitmap postings (BitmapScores.scoredPage); null when they cannot give it. */
  private scoredOnBitmaps(d: DatasetName, state: PostingsState | null, hitPlan: Plan, scoring: readonly ScoringPart[], tree: ScoreNode, after: SortValues | null, size: number): SearchPage | null {
    const page = this.scores[d].scoredPage(hitPlan, scoring, tree, state, after, size);
    if (page !== null) {
      this.lastWay = 'bitmaps';
      this.lastStatements = [];
    }
    return page;
  }

  /** The per-search temporary table of hit ids (search_hits), emptied. */
  private emptyHitTable(): void {
    this.db.exec('CREATE TEMP TABLE IF NOT EXISTS search_hits (id INTEGER PRIMARY KEY); DELETE FROM search_hits;');
  }

  /** The page in `_score` order when the hits are exactly one scoring clause's matches (each once: root documents). */
  private scoredOnce(d: DatasetName, part: ScoringPart, after: SortValues | null, size: number): SearchPage {
    this.scoreClauses(d, [part], false);
    const fill = { text: 'SELECT count(*) FROM search_part_scores', params: [] };
    const total = this.db.prepare(fill.text).pluck().get() as number;
    const params: unknown[] = [];
    const text = this.scoredPageSql(d, 'score', ['sc AS (SELECT id, s FROM search_part_scores WHERE part = 0)'], after, size, params);
    return this.page([fill], { text, params: [...params, size] }, total, 'score');
  }

  /**
   * Each scoring clause's relevance (src/search/bm25.ts) for the records it matches (those among
   * search_hits when `amongHits`), into the temporary table search_part_scores: term counts and
   * positions from FTS5's own index (fts5vocab's instances of each term), lengths and field
   * statistics from field-lengths.ts, each term's document count from FTS5.
   */
  private scoreClauses(d: DatasetName, parts: readonly ScoringPart[], amongHits: boolean): void {
    this.db.exec('CREATE TEMP TABLE IF NOT EXISTS search_part_scores (part INTEGER NOT NULL, id INTEGER NOT NULL, s REAL NOT NULL, PRIMARY KEY (part, id)) WITHOUT ROWID; DELETE FROM search_part_scores;');
    const insert = this.db.prepare<[number, number, number]>('INSERT INTO search_part_scores (part, id, s) VALUES (?, ?, ?)');
    parts.forEach((part, i) => {
      const { type, column: col } = part.plan;
      const field = this.lengths[d].stats(type).get(col);
      if (field === undefined) return;
      const table = ftsTable(d, type);
      this.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.${table}_instances USING fts5vocab(main, '${table}', 'instance')`);
      const instances = this.db.prepare<[string, string], { doc: number; offset: number }>(`SELECT doc, offset FROM temp.${table}_instances WHERE term = ? AND col = ?`);
      const count = (expression: string): number => {
        const m = sqliteDialect.match(table, col, expression);
        return this.db.prepare(`SELECT count(*) FROM (${m.text})`).pluck().get(...m.params) as number;
      };
      const m = this.sql[d].render(part.plan);
      const record = type === '' ? 'id' : `id / ${docsPerRecord}`;
      const ids = this.db.prepare(`SELECT DISTINCT id FROM (${m.text})${amongHits ? ` WHERE ${record} IN (SELECT id FROM search_hits)` : ''}`).pluck().all(...m.params) as number[];
      if (ids.length === 0) return;
      const syntax = sqliteDialect.syntax(col);
      const scorer = new ClauseScorer(part.plan.expr, field, (token) => count(syntax.term(token)), part.boost);
      const wanted = new Set(ids);
      const { terms, prefixes } = clauseTokens(part.plan.expr);
      // Each term's positions in each matched document; each prefix's matched documents.
      const positions = new Map<string, Map<number, number[]>>();
      for (const token of terms) {
        const at = new Map<number, number[]>();
        for (const r of instances.iterate(token, column(col))) {
          if (!wanted.has(r.doc)) continue;
          const list = at.get(r.doc);
          if (list) list.push(r.offset);
          else at.set(r.doc, [r.offset]);
        }
        positions.set(token, at);
      }
      const prefixed = new Map<string, Set<number>>();
      for (const token of prefixes) {
        const p = sqliteDialect.match(table, col, syntax.prefix(token));
        prefixed.set(token, new Set(this.db.prepare(p.text).pluck().all(...p.params) as number[]));
      }
      const lengths = this.lengths[d].of(ids, type);
      let id = 0;
      const view: ClauseDoc = {
        get norm() {
          return intToByte4(lengths.get(id)?.[col] ?? 0);
        },
        freq: (token) => positions.get(token)?.get(id)?.length ?? 0,
        positions: (token) => positions.get(token)?.get(id) ?? [],
        prefixed: (token) => prefixed.get(token)?.has(id) === true,
      };
      for (id of ids) insert.run(i, id, scorer.score(view));
    });
  }

  /**
   * The page statement over scored hits (`sc`: id, s, defined by `ctes`), in the request's order
   * after the cursor; the first page in `_score` order joins only the hits that can be on it.
   * Its order and cursor parameters are appended to `params`.
   */
  private scoredPageSql(d: DatasetName, sort: SearchRequest['sort'], ctes: readonly string[], after: SortValues | null, size: number, params: unknown[]): string {
    const { where, order } = ordering(sort, after, params);
    const cut = scoreCut(sort, after, size, '-1e308');
    return `WITH ${ctes.join(', ')} SELECT id, lu, s FROM (SELECT r.id AS id, r.last_updated AS lu, sc.s AS s FROM sc CROSS JOIN ${d}_records r INDEXED BY ${recencyIndex(d)} ON r.id = sc.id${cut}) ${where} ORDER BY ${order} LIMIT ?`;
  }

  /**
   * Whether the page of the default order comes from walking the newest-first index: when that
   * walk (about size × records / hits entries) costs less than reading every hit's record.
   */
  private walks(hits: number, size: number, records: () => number): boolean {
    if (this.options.broadThreshold !== undefined) return hits > this.options.broadThreshold;
    // There are at least as many records as hits: so few hits are sorted without counting records.
    if (hits * readCostInSteps <= Math.max(1, size)) return false;
    return hits * hits * readCostInSteps > Math.max(1, size) * records();
  }

  /** The dataset's records, counted at most once a minute. */
  private recordCount(d: DatasetName): number {
    const now = Date.now();
    const known = this.recordCounts.get(d);
    if (known && now - known.at < recountMs) return known.n;
    const n = this.db.prepare(`SELECT count(*) FROM ${d}_records`).pluck().get() as number;
    this.recordCounts.set(d, { n, at: now });
    return n;
  }

  /** Runs the page statement (id, lu, s rows) and shapes the result. */
  private page(before: Sql[], statement: Sql, total: number, sort: SearchRequest['sort']): SearchPage {
    this.lastStatements = [...before, statement];
    const rows = this.db.prepare(statement.text).all(...statement.params) as { id: number; lu: string | null; s: number }[];
    return {
      ids: rows.map((r) => r.id),
      total,
      values: rows.map((r) => ({ id: r.id, lastUpdated: r.lu, ...(sort === 'score' ? { score: r.s } : {}) })),
      scores: new Map(rows.map((r) => [r.id, r.s])),
    };
  }

  /**
   * match_all: every indexed record. The total comes from FTS5's per-document size table and the
   * page from walking the records in order with an index probe, instead of materializing every id
   * (1M people: ~200 ms → a few ms, bench/RESULTS.md).
   */
  private everything(d: DatasetName, request: SearchRequest, after: SortValues | null, size: number): SearchPage {
    const fts = ftsTable(d, '');
    const total = (this.db.prepare(`SELECT count(*) AS n FROM ${fts}_docsize`).get() as { n: number }).n;
    const indexed = `EXISTS (SELECT 1 FROM ${fts} f WHERE f.rowid = r.id)`;
    const params: unknown[] = [];
    const score = Number(request.query.boost);
    let text: string;
    if (request.sort === 'id') {
      if (after) params.push(after.id);
      text = `SELECT r.id AS id, r.last_updated AS lu, ${score} AS s FROM ${d}_records r INDEXED BY ${recencyIndex(d)} WHERE ${indexed} ${after ? 'AND r.id > ?' : ''} ORDER BY r.id LIMIT ?`;
    } else {
      // Every score is equal, so `_score` order is the default order.
      const { where } = ordering('default', after, params);
      text = `SELECT id, lu, ${score} AS s FROM (SELECT r.id AS id, r.last_updated AS lu FROM ${d}_records r INDEXED BY ${d}_records_recent WHERE ${indexed}) ${where} ORDER BY lu DESC, id DESC LIMIT ?`;
    }
    return this.page([], { text, params: [...params, size] }, total, request.sort);
  }

  /** Scores over search_hits by the score tree, its clauses' relevance from search_part_scores. */
  private scoreSql(d: DatasetName, scoring: readonly ScoringPart[], tree: ScoreNode): { ctes: string[]; params: unknown[]; text: string } {
    this.scoreClauses(d, scoring, true);
    const score = scoreExpression(tree, this.sql[d], {
      greatest: (xs) => `max(${xs.join(', ')})`,
      from: sqliteDialect.from,
      hits: 'search_hits',
      clause: (part, on, alias) => ({ join: { text: `LEFT JOIN search_part_scores ${alias} ON ${alias}.part = ${part} AND ${alias}.id = ${on}`, params: [] }, expression: `coalesce(${alias}.s, 0)` }),
    });
    return { ctes: [], params: [...score.joins.params], text: `SELECT h.id AS id, ${score.expression} AS s FROM search_hits h ${score.joins.text}` };
  }


}
