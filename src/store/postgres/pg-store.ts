// The PostgreSQL store: the same port as the embedded one, for API nodes and workers on many
// machines sharing one database. Opened by `--database-url postgres://...`.
import { PgFileStore } from './pg-file-store.js';
import { chargePool, searchPool, type Pooling } from './pg-util.js';
import pg from 'pg';
import type { Store } from '../store.js';
import type { DatasetName } from '../../datasets/datasets.js';
import type { IndexLayout } from '../../search/index-layout.js';
import { PgSearchStore } from './pg-search-store.js';
import { PgRateLimiter } from './pg-rate-limiter.js';
import { PgCreditStore, PgSecretStore } from './pg-control-stores.js';
import { pgExecutor } from '../control/sql-executor.js';
import { SqlKeyStore } from '../control/key-sql.js';
import { SqlAdminTokenStore } from '../control/admin-token-sql.js';
import { SqlUsageStore } from '../control/usage-sql.js';
import { SqlOverviewStore } from '../control/overview-sql.js';
import { PgEmployeeStore } from './pg-employee-store.js';
import { SqlDataRequestStore } from '../control/data-request-sql.js';
import { SqlOutboxStore } from '../control/outbox-sql.js';
import { migratePg } from './pg-migrations.js';
import { ReplicaSet } from './pg-replicas.js';
import { PgSubscriptionStore } from './pg-subscription-store.js';
import { PgPostingsCache } from './pg-postings-cache.js';

export interface PgOptions {
  /** Connections per process. */
  readonly poolSize?: number;
  /** Time budget of one search, ms (the database cancels it past that). */
  readonly searchTimeoutMs?: number;
  /** Most stored terms one pattern may expand to. */
  readonly maxPatternTerms?: number;
  /** Hears of schema work at start-up that takes a while (a dataset indexed again), and of replicas skipped or back. */
  readonly log?: (message: string) => void;
  /** Streaming replicas that searches and collects read from. */
  readonly readUrls?: readonly string[];
  readonly replicaMaxLagMs?: number;
  readonly replicaCheckMs?: number;
  /** `transaction`: connections go through a transaction-mode pooler such as PgBouncer. */
  readonly pooling?: Pooling;
  /**
   * A copy of the search postings on this node (pg-postings-cache.ts): where it lives, its
   * search threads, and how often it looks for parts to build (null: only when asked).
   */
  readonly postingsCache?: { readonly dir: string; readonly threads: number; readonly buildThreads: number; readonly refreshMs: number | null };
}

/** The node's copy of the search postings; null (every search in SQL, said once) when its directory cannot hold it. */
function openPostingsCache(pool: pg.Pool, url: string, layouts: Readonly<Record<DatasetName, IndexLayout>>, where: NonNullable<PgOptions['postingsCache']>, options: PgOptions): PgPostingsCache | null {
  const log = options.log ?? (() => undefined);
  try {
    return new PgPostingsCache(pool, { ...where, databaseUrl: url, layouts, timeoutMs: options.searchTimeoutMs ?? 10_000, log });
  } catch (error) {
    log(`no copy of the search postings in ${where.dir} (${(error as Error).message}); every search runs in SQL`);
    return null;
  }
}

export async function openPostgresStore(url: string, layouts: Readonly<Record<DatasetName, IndexLayout>>, options: PgOptions = {}): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, application_name: 'rollcall' });
  // An idle connection that dies (server restart) must not crash the process.
  pool.on('error', () => undefined);
  try {
    await migratePg(pool, layouts, options.log);
  } catch (error) {
    await pool.end();
    throw error;
  }
  // Searches get their own connections with a statement timeout, so a slow search is cancelled
  // by the database and never holds a connection that collects or charges need.
  // Credit charges commit without waiting for the WAL flush: a PostgreSQL crash can forget the
  // last fraction of a second of charges (never make one twice or take a balance below zero) —
  // the same trade the embedded store makes with synchronous=NORMAL. Each charge waited ~5.7 ms
  // on the flush while holding its key's balance row; off, collects ran 1.7x faster (bench:stores).
  const pooling = options.pooling ?? 'direct';
  const charges = chargePool({ connectionString: url, max: options.poolSize ?? 10, application_name: 'rollcall-charges' }, pooling);
  // Downloads of bulk files hold a connection each for as long as their client reads.
  const fileReads = new pg.Pool({ connectionString: url, max: 4, application_name: 'rollcall-files', connectionTimeoutMillis: 30_000 });
  fileReads.on('error', () => undefined);
  const search = searchPool({ connectionString: url, max: 4, application_name: 'rollcall-search' }, pooling, options.searchTimeoutMs ?? 10_000);
  const replicas = (options.readUrls ?? []).length > 0
    ? new ReplicaSet(pool, options.readUrls!, { maxLagMs: options.replicaMaxLagMs ?? 10_000, checkMs: options.replicaCheckMs ?? 1000, searchTimeoutMs: options.searchTimeoutMs ?? 10_000, pooling, log: options.log ?? (() => undefined) })
    : null;
  await replicas?.check();
  const cache = options.postingsCache ? openPostingsCache(pool, url, layouts, options.postingsCache, options) : null;
  let closed = false;
  const control = pgExecutor(pool);
  return {
    dialect: 'postgres',
    keys: new SqlKeyStore(control),
    adminTokens: new SqlAdminTokenStore(control),
    usage: new SqlUsageStore(control),
    overview: new SqlOverviewStore(control),
    async diskBytes() {
      const { rows } = await pool.query<{ n: number }>('SELECT pg_database_size(current_database())::bigint AS n');
      return rows[0]?.n ?? 0;
    },
    credits: new PgCreditStore(charges.queries),
    secrets: new PgSecretStore(pool),
    employees: new PgEmployeeStore(pool, layouts, replicas?.reader(pool) ?? pool, cache),
    dataRequests: new SqlDataRequestStore(control),
    outbox: new SqlOutboxStore(control),
    subscriptions: new PgSubscriptionStore(pool),
    search: new PgSearchStore(replicas?.searchReader(search.queries) ?? search.queries, layouts, options.maxPatternTerms, options.searchTimeoutMs ?? 10_000, cache),
    replicaStatus: replicas ? () => replicas.status() : null,
    sharedRateLimiter: new PgRateLimiter(pool),
    databaseFiles: new PgFileStore(pool, fileReads),
    async close() {
      if (closed) return;
      closed = true;
      await replicas?.close();
      await cache?.close();
      await Promise.all([pool.end(), search.pool.end(), charges.pool.end(), fileReads.end()]);
    },
  };
}
