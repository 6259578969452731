// A PostgreSQL node's copy of the search postings: the embedded store's bitmap postings
// (src/store/sqlite/postings.ts) in a local SQLite file, built from the database's records part
// by part, and searched by bitmap-search.ts on threads of its own. The database keeps a version
// for each part of the records (pg-shard-versions.ts); a search reads those versions and runs on
// the copy only when every part was built from the version it reads, else in SQL as before. The
// copy is a cache: a node without it, or whose copy is behind, answers the same ids in SQL, and
// nodes stay stateless (docs/architecture.md, "Past one machine").
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DatasetName } from '../../datasets/datasets.js';
import { datasetNames } from '../../datasets/datasets.js';
import type { SortKey } from '../../query/ast.js';
import type { Plan, ScoringPart } from '../../query/plan/plan.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { schemaFingerprint } from '../sql/search-tables.js';
import { applyPostingsSchema, numberBucketsTable, numberPairsTable, postingShardsTable, postingsFormat, postingsTable } from '../sqlite/postings.js';
import { SearchThreads } from '../sqlite/sqlite-search-pool.js';
import { BitmapPostings } from '../sqlite/bitmap-search.js';
import { BitmapScores } from '../sqlite/bitmap-scores.js';
import type { PostingsReport, SearchPage, SortValues } from '../store.js';
import type { CachedSearchJob } from './pg-postings-search-worker.js';
import type { QueryPool } from './pg-replicas.js';
import { shardVersions } from './pg-shard-versions.js';

export interface PostingsCacheOptions {
  /** Directory of the copy (made when missing). */
  readonly dir: string;
  /** Where the builds read records: the primary. */
  readonly databaseUrl: string;
  readonly layouts: Readonly<Record<DatasetName, IndexLayout>>;
  /** Search threads. */
  readonly threads: number;
  /** Threads that build parts when asked (`refresh`); the server's own builds use one. */
  readonly buildThreads: number;
  readonly timeoutMs: number;
  /**
   * How often the node looks for parts written since their build and builds those whose version
   * stood still since the last look (null: only when asked, `refresh`).
   */
  readonly refreshMs: number | null;
  readonly log: (message: string) => void;
}

export class PgPostingsCache {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly threads: SearchThreads;
  /** Threads building parts, made when first needed. */
  private readonly builders: (Worker | null)[] = [];
  /** Builds run one at a time, in this chain. */
  private building: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  /** Each dataset's part versions at the last look (a part is built once its version stood still between two). */
  private readonly seen = new Map<DatasetName, Map<number, number>>();
  private closed = false;
  /** This thread's view of the copy's state, for leavesFromSql. */
  private readonly postings = new Map<DatasetName, BitmapPostings>();
  /** Each dataset's statement reading what its parts were built from (stale). */
  private readonly builtParts: Partial<Record<DatasetName, Database.Statement>> = {};

  constructor(private readonly primary: QueryPool, private readonly options: PostingsCacheOptions) {
    mkdirSync(options.dir, { recursive: true });
    this.file = join(options.dir, 'postings.db');
    this.db = new Database(this.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 60000');
    this.db.exec('CREATE TABLE IF NOT EXISTS cached_datasets (dataset TEXT PRIMARY KEY, layout TEXT NOT NULL)');
    const layoutOf = this.db.prepare<[string], string>('SELECT layout FROM cached_datasets WHERE dataset = ?').pluck();
    for (const d of datasetNames) {
      applyPostingsSchema(this.db, d);
      // Postings made for another index layout (a dataset's mapping edited) are dropped.
      const fingerprint = schemaFingerprint(d, options.layouts[d]);
      if (layoutOf.get(d) !== fingerprint) {
        this.db.transaction(() => {
          for (const t of [postingsTable(d), numberBucketsTable(d), numberPairsTable(d), postingShardsTable(d)]) this.db.exec(`DELETE FROM ${t}`);
          this.db.prepare('INSERT INTO cached_datasets (dataset, layout) VALUES (?, ?) ON CONFLICT (dataset) DO UPDATE SET layout = excluded.layout').run(d, fingerprint);
        })();
      }
    }
    this.threads = new SearchThreads(new URL('./pg-postings-search-worker.js', import.meta.url), { file: this.file }, options.threads, options.timeoutMs);
    if (options.refreshMs !== null) this.schedule(options.refreshMs);
  }

  /**
   * The leaves of a plan the copy does not hold, which SQL is to answer as record ids
   * (BitmapPostings.coverage); null when the copy is not built from `versions`, cannot run
   * the plan, or cannot score `scoring` (BitmapScores.scorable).
   */
  leavesFromSql(d: DatasetName, plan: Plan, versions: ReadonlyMap<number, number>, scoring?: readonly ScoringPart[]): Plan[] | null {
    let postings = this.postings.get(d);
    if (postings === undefined) this.postings.set(d, (postings = new BitmapPostings(this.db, d)));
    const state = postings.state(versions);
    if (state === null || (scoring !== undefined && !BitmapScores.scorable(scoring, state))) return null;
    const leaves: Plan[] = [];
    const cover = BitmapPostings.coverage(plan, state, leaves);
    return cover.runs && cover.held > 0 ? leaves : null;
  }

  /** The page of a plan on the copy (in `_score` order with `scoring`), when every part is built from `versions` and holds the plan's leaves; null otherwise. */
  page(d: DatasetName, plan: Plan, versions: ReadonlyMap<number, number>, sort: SortKey, after: SortValues | null, size: number, score: number, budgetMs?: number, scoring?: CachedSearchJob['scoring']): Promise<SearchPage | null> {
    const job: CachedSearchJob = { dataset: d, plan, versions: [...versions], sort, after, size, score, ...(scoring ? { scoring } : {}) };
    return this.threads.run(job as unknown as Record<string, unknown>, budgetMs);
  }

  /** The parts whose copy is not built from the version given (or in another format). */
  stale(d: DatasetName, versions: ReadonlyMap<number, number>): number[] {
    const read = (this.builtParts[d] ??= this.db.prepare(`SELECT shard, built, format FROM ${postingShardsTable(d)}`));
    const built = new Map((read.all() as { shard: number; built: number; format: number }[])
      .filter((r) => r.format === postingsFormat).map((r) => [r.shard, r.built]));
    return [...versions].filter(([shard, version]) => built.get(shard) !== version).map(([shard]) => shard).sort((a, b) => a - b);
  }

  /** Builds every part of the dataset whose copy is stale, now (after any build under way). */
  refresh(d: DatasetName, onShard?: (done: number, of: number) => void): Promise<PostingsReport> {
    return this.serially(async () => {
      const started = performance.now();
      const stale = this.stale(d, await shardVersions(this.primary, d));
      const queue = [...stale];
      let records = 0;
      let done = 0;
      const run = async (thread: number): Promise<void> => {
        for (let shard = queue.shift(); shard !== undefined && !this.closed; shard = queue.shift()) {
          // Read after the build: `records +=` around an await would add to a stale sum.
          const built = await this.build(d, shard, thread);
          records += built?.records ?? 0;
          onShard?.(++done, stale.length);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(this.options.buildThreads, stale.length)) }, (_, i) => run(i)));
      return { shards: stale.length, records, seconds: (performance.now() - started) / 1000 };
    });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.building.then(work, work);
    this.building = next.catch(() => undefined);
    return next;
  }

  /** Builds a part on build thread `thread`. */
  private build(d: DatasetName, shard: number, thread = 0): Promise<{ version: number; records: number } | null> {
    let worker = this.builders[thread] ?? null;
    if (worker === null) {
      worker = new Worker(new URL('./pg-postings-build-worker.js', import.meta.url), { workerData: { file: this.file, databaseUrl: this.options.databaseUrl } });
      worker.unref();
      this.builders[thread] = worker;
    }
    const builder = worker;
    return new Promise((resolve, reject) => {
      const fail = (error: Error): void => {
        builder.off('message', done);
        if (this.builders[thread] === builder) this.builders[thread] = null;
        reject(error);
      };
      const done = (reply: { built?: { version: number; records: number } | null; error?: string }): void => {
        builder.off('error', fail);
        if (reply.error !== undefined) reject(new Error(reply.error));
        else resolve(reply.built ?? null);
      };
      builder.once('message', done);
      builder.once('error', fail);
      builder.postMessage({ dataset: d, shard });
    });
  }

  /** Looks every `ms` for parts to build: those written since their build whose version stood still since the last look. */
  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      void this.serially(() => this.look()).catch((error: Error) => this.options.log(`search postings copy: ${error.message}`)).finally(() => {
        if (!this.closed) this.schedule(ms);
      });
    }, ms);
    this.timer.unref();
  }

  private async look(): Promise<void> {
    for (const d of datasetNames) {
      if (this.closed) return;
      const versions = await shardVersions(this.primary, d);
      const before = this.seen.get(d);
      this.seen.set(d, versions);
      const quiet = this.stale(d, versions).filter((s) => before?.get(s) === versions.get(s));
      if (quiet.length === 0) continue;
      // A first build of a large database takes minutes: said when it starts, searches run in SQL meanwhile.
      if (quiet.length > 1) this.options.log(`${d}: building the search postings of ${quiet.length} parts; searches run in SQL until they are built`);
      const started = performance.now();
      let records = 0;
      for (const shard of quiet) {
        if (this.closed) return;
        const built = await this.build(d, shard);
        records += built?.records ?? 0;
      }
      this.options.log(`${d}: search postings of ${quiet.length} part${quiet.length === 1 ? '' : 's'} (${records} records) built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await this.building.catch(() => undefined);
    await this.threads.close();
    await Promise.all(this.builders.map((b) => b?.terminate()));
    this.db.close();
  }
}
