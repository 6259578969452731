// Opens what every command needs (store, datasets, signer) from one frozen config.
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import type { Config } from './config/config.js';
import { createJwtSigner, type JwtSigner } from './auth/jwt.js';
import { layoutsOf, loadDatasets, type DatasetDefinition, type DatasetName } from './datasets/datasets.js';
import { MemoryRateLimiter, type RateLimiter } from './ratelimit/rate-limiter.js';
import { openSqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';
import type { FileStore } from './files/file-store.js';
import { LocalFileStore } from './files/local-file-store.js';
import { systemClock, type Clock } from './util/clock.js';

export interface Runtime {
  readonly config: Config;
  readonly store: Store;
  readonly datasets: Readonly<Record<DatasetName, DatasetDefinition>>;
  readonly signer: JwtSigner;
  readonly clock: Clock;
  readonly rateLimiter: RateLimiter;
  readonly files: FileStore;
}

/** Where the embedded store keeps its files. */
export function storeDir(config: Config): string {
  return join(config.dataDir, 'store');
}

/** How often a server on PostgreSQL looks for parts of its postings copy to build (ms). */
const postingsCacheRefreshMs = 2000;

export interface RuntimeOptions {
  /** Run searches on worker threads (the server does; one-shot commands need not). */
  readonly searchWorkers?: boolean;
  /**
   * PostgreSQL: keep a copy of the search postings in the data dir (default: when searches run
   * on threads); it is built when asked (an import's end, `rollcall index`), and by the server
   * as parts change.
   */
  readonly postingsCache?: boolean;
  /** Where start-up schema work is reported (default: standard error). */
  readonly log?: (message: string) => void;
}

export async function openRuntime(config: Config, clock: Clock = systemClock, options: RuntimeOptions = {}): Promise<Runtime> {
  const datasets = loadDatasets();
  const layouts = layoutsOf(datasets);
  const log = options.log ?? ((message: string): void => void process.stderr.write(`rollcall: ${message}\n`));
  const store = config.databaseUrl !== null
    ? await (await import('./store/postgres/pg-store.js')).openPostgresStore(config.databaseUrl, layouts, {
      searchTimeoutMs: config.searchTimeoutMs, maxPatternTerms: config.maxPatternTerms, log,
      readUrls: config.databaseReadUrls, pooling: config.databasePooling, replicaMaxLagMs: config.replicaMaxLagMs, replicaCheckMs: config.replicaCheckMs,
      // The server keeps a copy of the search postings in its data dir and builds what changes.
      ...(config.searchBitmaps && (options.postingsCache ?? options.searchWorkers === true)
        ? {
          postingsCache: {
            dir: join(config.dataDir, 'postings-cache'), threads: config.searchWorkers, refreshMs: options.searchWorkers ? postingsCacheRefreshMs : null,
            // A server builds on one thread beside its requests; a command asked to build (index) on every core.
            buildThreads: options.searchWorkers ? 1 : availableParallelism(),
          },
        }
        : {}),
    })
    : openSqliteStore(
      storeDir(config),
      layouts,
      { searchWorkers: options.searchWorkers ? config.searchWorkers : 0, searchTimeoutMs: config.searchTimeoutMs, maxPatternTerms: config.maxPatternTerms, bitmaps: config.searchBitmaps, log },
    );
  try {
    const signer = await createJwtSigner(store.secrets);
    const files = config.fileStore === 'database' ? store.databaseFiles : new LocalFileStore(join(config.dataDir, 'files'));
    if (files === null) throw new Error('--file-store database needs the PostgreSQL store');
    return { config, store, datasets, signer, clock, rateLimiter: store.sharedRateLimiter ?? new MemoryRateLimiter(), files };
  } catch (error) {
    await store.close();
    throw error;
  }
}
