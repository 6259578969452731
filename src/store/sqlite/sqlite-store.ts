// The embedded store: two SQLite files in WAL mode, opened with better-sqlite3.
//   control.db — keys, credit balances and ledger, secrets: small rows, many small transactions.
//   records.db — the employee records (and their lookup tables): ~9 KB rows, bulk writes.
// They differ in page size, which is fixed per file: 32 KB pages made bulk inserts of records
// 2.5x faster, but made each small credit transaction 2.6x slower (measured; docs/architecture.md).
import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { datasetNames, type DatasetName } from '../../datasets/datasets.js';
import { applyPostingsSchema } from './postings.js';
import { applyLengthsSchema } from './field-lengths.js';
import { applyNumberParts, recencyIndex, recencySchema } from './search-schema.js';
import { decodeToken } from '../../search/index-documents.js';
import type { IndexLayout } from '../../search/index-layout.js';
import type { Store } from '../store.js';
import { reindexAll } from './reindex.js';
import { SqliteSearchPool } from './sqlite-search-pool.js';
import { SqliteSearchStore } from './sqlite-search-store.js';
import { controlMigrations, migrate, recordMigrations } from './migrations.js';
import { reconcileDatasets } from './reconcile-datasets.js';
import { sqliteExecutor } from '../control/sql-executor.js';
import { SqlKeyStore } from '../control/key-sql.js';
import { SqlAdminTokenStore } from '../control/admin-token-sql.js';
import { SqlUsageStore } from '../control/usage-sql.js';
import { SqlOverviewStore } from '../control/overview-sql.js';
import { SqliteCreditStore } from './sqlite-credit-store.js';
import { SqliteEmployeeStore } from './sqlite-employee-store.js';
import { SqliteSecretStore } from './sqlite-secret-store.js';
import { SqlDataRequestStore } from '../control/data-request-sql.js';
import { SqlOutboxStore } from '../control/outbox-sql.js';
import { SqliteSubscriptionStore } from './sqlite-subscription-store.js';

export interface SqliteOptions {
  /** How long a writer waits for another process's write lock, ms. */
  readonly busyTimeoutMs?: number;
  /** Search threads; 0 runs searches on the calling thread (CLI tools, benchmarks of the engine). */
  readonly searchWorkers?: number;
  /** Time budget of one search, ms. */
  readonly searchTimeoutMs?: number;
  /** Most stored terms one pattern may expand to. */
  readonly maxPatternTerms?: number;
  /** Run the plans the bitmap postings hold on them (default true). */
  readonly bitmaps?: boolean;
  /** Hears of schema work at start-up that takes a while (a dataset indexed again). */
  readonly log?: (message: string) => void;
}

export const controlDbName = 'control.db';
export const recordsDbName = 'records.db';

function open(file: string, pageSize: number, options: SqliteOptions): Database.Database {
  const db = new Database(file);
  db.pragma(`page_size = ${pageSize}`); // only takes effect when the file is created
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives a process crash; only an OS crash can lose the last ones.
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma('foreign_keys = ON');
  return db;
}

/** Opens (creating and migrating as needed) the store kept in `dir`. */
export function openSqliteStore(dir: string, layouts: Readonly<Record<DatasetName, IndexLayout>>, options: SqliteOptions = {}): Store {
  mkdirSync(dir, { recursive: true });
  const control = open(join(dir, controlDbName), 4096, options);
  // Every charge appends to control.db's WAL; checkpointing it small keeps reads of keys and
  // balances cheap (each read consults the WAL index).
  control.pragma('wal_autocheckpoint = 200');
  const records = open(join(dir, recordsDbName), 32768, options);
  records.pragma('cache_size = -65536');
  // Reads of records through mmap skip a copy per page: 20 → 9 µs per random collect (measured).
  records.pragma('mmap_size = 4294967296');
  try {
    migrate(control, controlMigrations);
    // The term dictionary's migration lists the FTS5 index's terms in their analysed form.
    records.function('decode_token', { deterministic: true }, (t: unknown) => decodeToken(String(t)));
    const before = migrate(records, recordMigrations(layouts));
    // Bitmap postings (postings.ts): made empty; a store's shards get theirs on the next refresh.
    for (const d of datasetNames) applyPostingsSchema(records, d);
    // Field lengths for relevance (field-lengths.ts): measured once on a store made without them.
    for (const d of datasetNames) applyLengthsSchema(records, d, layouts[d], options.log);
    // A file made before the search index existed (version 1) gets its records indexed once.
    if (before === 1) reindexAll(records, layouts);
    // Version 2 made the legacy datasets' search tables: made now, they have this code's layout.
    reconcileDatasets(records, layouts, before < 2, options.log);
    // Number tables made before they were keyed by part get that key once (search-schema.ts).
    for (const d of datasetNames) applyNumberParts(records, d, layouts[d], options.log);
    // A store made before the (id, last_updated) index gets it once (a read of every record).
    const hasIndex = records.prepare<[string], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name = ?");
    for (const d of datasetNames) {
      if (hasIndex.get(recencyIndex(d))!.n > 0) continue;
      const started = performance.now();
      records.exec(recencySchema(d));
      const seconds = (performance.now() - started) / 1000;
      if (seconds > 1) options.log?.(`${d}: indexed its records by (id, last_updated) in ${seconds.toFixed(1)} s (once)`);
    }
  } catch (error) {
    control.close();
    records.close();
    throw error;
  }
  const credits = new SqliteCreditStore(control);
  const employees = new SqliteEmployeeStore(records, layouts);
  const workers = options.searchWorkers ?? 0;
  const pool = workers > 0 ? new SqliteSearchPool(join(dir, recordsDbName), workers, options.searchTimeoutMs ?? 10_000, options.maxPatternTerms, options.bitmaps ?? true) : null;
  const search = pool ?? new SqliteSearchStore(records, layouts, { enterRead: () => employees.enterRead(), bitmaps: options.bitmaps ?? true, ...(options.maxPatternTerms !== undefined ? { maxPatternTerms: options.maxPatternTerms } : {}) });
  let closed = false;
  const x = sqliteExecutor(control);
  return {
    dialect: 'sqlite',
    keys: new SqlKeyStore(x),
    adminTokens: new SqlAdminTokenStore(x),
    usage: new SqlUsageStore(x),
    overview: new SqlOverviewStore(x),
    replicaStatus: null,
    async diskBytes() {
      let bytes = 0;
      for (const name of readdirSync(dir)) bytes += statSync(join(dir, name)).size;
      return bytes;
    },
    credits,
    employees,
    search,
    secrets: new SqliteSecretStore(control),
    dataRequests: new SqlDataRequestStore(x),
    outbox: new SqlOutboxStore(x),
    subscriptions: new SqliteSubscriptionStore(control),
    // One machine: the in-process limiter is exact (several processes on one file would each limit).
    sharedRateLimiter: null,
    databaseFiles: null,
    async close() {
      if (closed) return;
      closed = true;
      await pool?.close();
      await credits.drain();
      employees.release();
      control.close();
      records.close();
    },
  };
}
