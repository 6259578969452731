// Configuration is read once, from the environment and command-line flags, validated and frozen.
// Nothing else in the code base reads process.env.
import { resolve } from 'node:path';
import { datasetNames, registryEntry, type DatasetName } from '../datasets/datasets.js';

export const rateLimitGroups = ['search', 'collect', 'bulk', 'bulk_files', 'subscription_create', 'subscriptions', 'simulate'] as const;
export type RateLimitGroup = (typeof rateLimitGroups)[number];

export interface RateLimit {
  /** Requests allowed per window; 0 means unlimited. */
  readonly limit: number;
  readonly windowMs: number;
}

export interface Costs {
  readonly search: number;
  readonly preview: number;
  readonly collect: number;
  readonly bulkRecord: number;
}

const costEnv: Record<keyof Costs, string> = { search: 'SEARCH', preview: 'PREVIEW', collect: 'COLLECT', bulkRecord: 'BULK_RECORD' };

/**
 * What one operation on a dataset costs: ROLLCALL_COST_<DATASET>_<OP> (e.g.
 * ROLLCALL_COST_EMPLOYEE_MULTI_SOURCE_COLLECT), else the dataset's price in the registry, else the
 * server's ROLLCALL_COST_<OP>.
 */
export function costOf(config: Config, dataset: DatasetName, op: keyof Costs): number {
  return config.datasetCosts[dataset]?.[op] ?? registryEntry(dataset).costs?.[op] ?? config.costs[op];
}

export interface Config {
  readonly dataDir: string;
  /** PostgreSQL connection URL; null runs on the embedded store in dataDir. */
  readonly databaseUrl: string | null;
  /** PostgreSQL streaming replicas that searches and collects read from (skipped while down or lagging). */
  readonly databaseReadUrls: readonly string[];
  /** A replica further behind the primary than this is skipped until it catches up. */
  readonly replicaMaxLagMs: number;
  /** How often each replica's health and lag are checked. */
  readonly replicaCheckMs: number;
  /** `transaction`: PostgreSQL connections go through a transaction-mode pooler (PgBouncer). */
  readonly databasePooling: 'direct' | 'transaction';
  /** Where bulk part files live: a directory under dataDir, or the PostgreSQL database itself. */
  readonly fileStore: 'local' | 'database';
  readonly host: string;
  readonly port: number;
  readonly tlsCertFile: string | null;
  readonly tlsKeyFile: string | null;
  readonly costs: Costs;
  /** Per-dataset prices set in the environment (costOf reads them). */
  readonly datasetCosts: Readonly<Partial<Record<DatasetName, Partial<Costs>>>>;
  readonly rateLimits: Readonly<Record<RateLimitGroup, RateLimit>>;
  /** Lifetime of JWTs printed by `keys create`, seconds. */
  readonly jwtTtlSeconds: number;
  /** How long an authenticated key is cached in-process, ms (0 = look it up on every request). */
  readonly authCacheMs: number;
  /** A JSON file of job-title synonyms for semantic search (null: the generator's title catalogue). */
  readonly semanticSynonymsFile: string | null;
  /** People in the `serve --demo` data set (it starts serving after the first 1,000). */
  readonly demoPeople: number;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  /** Threads that run searches off the event loop. */
  readonly searchWorkers: number;
  /** Time budget of one search before it answers 503, ms. */
  readonly searchTimeoutMs: number;
  /** Most stored terms one pattern may expand to (ROLLCALL_MAX_PATTERN_TERMS). */
  readonly maxPatternTerms: number;
  /** Whether the embedded store runs the plans its bitmap postings hold on them (else always SQL). */
  readonly searchBitmaps: boolean;
  /** Searches one key may run at once (0: no limit); the rest wait their turn in the key's own queue. */
  readonly searchesPerKey: number;
  /** A connection with no bytes either way for this long is closed (idle keep-alive, stalled or silent clients). */
  readonly connectionIdleMs: number;
  /** Longest a client may take to send one whole request, headers and body. */
  readonly requestTimeoutMs: number;
  /** Open connections in all (a new one past it evicts the quietest) and from one client address (refused past it). */
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
  /** Registers the no-auth ceiling route used by bench:collect. Never on by default. */
  readonly benchCeiling: boolean;
  /** `/metrics` answers without an admin token (a scraper on a private network). */
  readonly metricsPublic: boolean;
  /** One JSON log line per answered request (at info level). */
  readonly requestLog: boolean;
  /** Per-request metrics and usage counts (off: /metrics keeps only the store's gauges, usage stays empty). */
  readonly requestMetrics: boolean;
  /** Where the server's log lines go (appended); null: standard output. */
  readonly logFile: string | null;
  readonly bulk: BulkConfig;
  readonly jobs: JobsConfig;
  readonly webhooks: WebhooksConfig;
  readonly subscriptions: SubscriptionsConfig;
}

export interface SubscriptionsConfig {
  /** Days a subscription is valid after creation or renewal (spec: 91). */
  readonly validityDays: number;
  /** Renewals never reach past this many days after creation (spec: one year). */
  readonly maxLifetimeDays: number;
  /** Active subscriptions per key. */
  readonly maxPerKey: number;
  /** Ids per subscription, and records a profile-change query may match when created. */
  readonly maxIds: number;
  /** `immediate`: after each import (once the change log is quiet); `daily` or `weekly`: at most that often. */
  readonly schedule: 'immediate' | 'daily' | 'weekly';
  /** How long the change log must be quiet before an `immediate` delivery, ms. */
  readonly quietMs: number;
  /** Items per webhook POST. */
  readonly batchItems: number;
}

export interface BulkConfig {
  /** Most records one data request may match (spec: 10,000); more → 422 on the files endpoint. */
  readonly maxRecords: number;
  /** Records per gzip part file. */
  readonly partRecords: number;
  /** Days a finished request and its files are kept. */
  readonly retentionDays: number;
  /** Largest accepted `ids_file` upload, bytes. */
  readonly uploadMaxBytes: number;
  /** Pause after each part file, ms: throttles exports on a node that must stay responsive. */
  readonly partPauseMs: number;
  /** Part files compressed at once; 0: one inside `serve`, one per core in `rollcall worker`. */
  readonly parallelParts: number;
}

export interface JobsConfig {
  /** Whether `serve` also runs the job and webhook workers (else only `rollcall worker` does). */
  readonly inServer: boolean;
  /** A claimed job is another worker's after this long without a renewal, ms. */
  readonly leaseMs: number;
  readonly pollMs: number;
}

export interface WebhooksConfig {
  /** Deliver to loopback, private and link-local addresses too (local use, tests). */
  readonly allowPrivate: boolean;
  /** CIDRs allowed even when private addresses are refused. */
  readonly allowList: readonly string[];
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  /** Delay before each retry, ms; its length is the number of retries before the dead letters. */
  readonly retrySchedule: readonly number[];
}

/** `5s,30s,2m,1h` → milliseconds. */
export function parseDurations(raw: string, what: string): number[] {
  return raw.split(',').map((part) => {
    const m = /^\s*(\d+)\s*(ms|s|m|h|d)?\s*$/.exec(part);
    if (!m) throw new ConfigError(`${what}: expected durations like 5s,30s,2m,1h, got ${JSON.stringify(raw)}`);
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
    return Number(m[1]) * unit;
  });
}

function databaseUrl(raw: string | undefined, flag = '--database-url'): string | null {
  if (raw === undefined || raw === '') return null;
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new ConfigError(`${flag} must be a postgres:// URL, got ${JSON.stringify(raw.replace(/:[^:@/]*@/, ':***@'))}`);
  return raw;
}

function pooling(raw: string | undefined): Config['databasePooling'] {
  if (raw === undefined || raw === '' || raw === 'direct') return 'direct';
  if (raw === 'transaction') return raw;
  throw new ConfigError(`ROLLCALL_DATABASE_POOLING must be direct or transaction, got ${JSON.stringify(raw)}`);
}

function fileStore(raw: string | undefined): Config['fileStore'] {
  if (raw === undefined || raw === '' || raw === 'local') return 'local';
  if (raw === 'database') return raw;
  throw new ConfigError(`--file-store (ROLLCALL_FILE_STORE) must be local or database, got ${JSON.stringify(raw)}`);
}

function schedule(raw: string | undefined): SubscriptionsConfig['schedule'] {
  if (raw === undefined || raw === '') return 'immediate';
  if (raw === 'immediate' || raw === 'daily' || raw === 'weekly') return raw;
  throw new ConfigError(`ROLLCALL_SUBSCRIPTION_SCHEDULE must be immediate, daily or weekly, got ${JSON.stringify(raw)}`);
}

function bool(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

// Spec §2.4 (confirmed Coresignal limits); `subscriptions` (list/details/renew/delete) has no
// documented limit, so it gets the bulk figure.
export const defaultRateLimits: Readonly<Record<RateLimitGroup, RateLimit>> = Object.freeze({
  search: { limit: 18, windowMs: 1000 },
  collect: { limit: 54, windowMs: 1000 },
  bulk: { limit: 27, windowMs: 1000 },
  bulk_files: { limit: 27, windowMs: 1000 },
  subscription_create: { limit: 9, windowMs: 60_000 },
  subscriptions: { limit: 27, windowMs: 1000 },
  simulate: { limit: 1, windowMs: 1000 },
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function int(name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

/** `54`, `54/s`, `9/min` → a rate limit; a bare number is per second. */
export function parseRateLimit(raw: string, what: string): RateLimit {
  const m = /^(\d+)\s*(?:\/\s*(s|sec|second|m|min|minute))?$/.exec(raw.trim());
  if (!m) throw new ConfigError(`${what}: expected N, N/s or N/min, got ${JSON.stringify(raw)}`);
  const perMinute = m[2] !== undefined && m[2].startsWith('m');
  return { limit: Number(m[1]), windowMs: perMinute ? 60_000 : 1000 };
}

/** `collect=200` → ['collect', {200/s}]. */
export function parseRateLimitOverride(raw: string): [RateLimitGroup, RateLimit] {
  const eq = raw.indexOf('=');
  const group = raw.slice(0, eq) as RateLimitGroup;
  if (eq < 1 || !rateLimitGroups.includes(group)) {
    throw new ConfigError(`--rate-limit expects GROUP=N with GROUP one of ${rateLimitGroups.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return [group, parseRateLimit(raw.slice(eq + 1), `--rate-limit ${group}`)];
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigOverrides {
  dataDir?: string | undefined;
  databaseUrl?: string | undefined;
  databaseReadUrls?: readonly string[] | undefined;
  fileStore?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  benchCeiling?: boolean | undefined;
  metricsPublic?: boolean | undefined;
}

export function loadConfig(env: Env, overrides: ConfigOverrides = {}): Config {
  const rateLimits = { ...defaultRateLimits };
  for (const group of rateLimitGroups) {
    const raw = env[`ROLLCALL_RATE_LIMIT_${group.toUpperCase()}`];
    if (raw !== undefined && raw !== '') rateLimits[group] = parseRateLimit(raw, `ROLLCALL_RATE_LIMIT_${group.toUpperCase()}`);
  }
  const port = overrides.port ?? int('ROLLCALL_PORT', env['ROLLCALL_PORT'], 8443);
  if (port > 65535) throw new ConfigError(`port must be <= 65535, got ${port}`);
  const config: Config = {
    dataDir: resolve(overrides.dataDir ?? env['ROLLCALL_DATA_DIR'] ?? './data'),
    databaseUrl: databaseUrl(overrides.databaseUrl ?? env['ROLLCALL_DATABASE_URL']),
    databaseReadUrls: Object.freeze((overrides.databaseReadUrls ?? (env['ROLLCALL_DATABASE_READ_URLS'] ?? '').split(',')).map((u) => u.trim()).filter(Boolean).map((u) => databaseUrl(u, '--database-read-url')!)),
    replicaMaxLagMs: int('ROLLCALL_REPLICA_MAX_LAG_MS', env['ROLLCALL_REPLICA_MAX_LAG_MS'], 10_000, 0),
    replicaCheckMs: int('ROLLCALL_REPLICA_CHECK_MS', env['ROLLCALL_REPLICA_CHECK_MS'], 1000, 50),
    fileStore: fileStore(overrides.fileStore ?? env['ROLLCALL_FILE_STORE']),
    databasePooling: pooling(env['ROLLCALL_DATABASE_POOLING']),
    host: overrides.host ?? env['ROLLCALL_HOST'] ?? '127.0.0.1',
    port,
    tlsCertFile: env['ROLLCALL_TLS_CERT'] || null,
    tlsKeyFile: env['ROLLCALL_TLS_KEY'] || null,
    costs: Object.freeze({
      search: int('ROLLCALL_COST_SEARCH', env['ROLLCALL_COST_SEARCH'], 1),
      preview: int('ROLLCALL_COST_PREVIEW', env['ROLLCALL_COST_PREVIEW'], 1),
      collect: int('ROLLCALL_COST_COLLECT', env['ROLLCALL_COST_COLLECT'], 1),
      bulkRecord: int('ROLLCALL_COST_BULK_RECORD', env['ROLLCALL_COST_BULK_RECORD'], 1),
    }),
    datasetCosts: Object.freeze(Object.fromEntries(datasetNames.map((d) => [d, Object.fromEntries(
      (Object.keys(costEnv) as (keyof Costs)[]).flatMap((op) => {
        const name = `ROLLCALL_COST_${d.toUpperCase()}_${costEnv[op]}`;
        return env[name] === undefined || env[name] === '' ? [] : [[op, int(name, env[name], 0)]];
      }),
    )]))),
    rateLimits: Object.freeze(rateLimits),
    jwtTtlSeconds: int('ROLLCALL_JWT_TTL_SECONDS', env['ROLLCALL_JWT_TTL_SECONDS'], 365 * 24 * 3600, 60),
    authCacheMs: int('ROLLCALL_AUTH_CACHE_MS', env['ROLLCALL_AUTH_CACHE_MS'], 1000),
    semanticSynonymsFile: env['ROLLCALL_SEMANTIC_SYNONYMS'] || null,
    demoPeople: int('ROLLCALL_DEMO_PEOPLE', env['ROLLCALL_DEMO_PEOPLE'], 10_000, 1),
    logLevel: env['ROLLCALL_LOG_LEVEL'] || 'info',
    bodyLimitBytes: int('ROLLCALL_BODY_LIMIT_BYTES', env['ROLLCALL_BODY_LIMIT_BYTES'], 5 * 1024 * 1024, 1024),
    searchWorkers: int('ROLLCALL_SEARCH_WORKERS', env['ROLLCALL_SEARCH_WORKERS'], 2, 1),
    searchTimeoutMs: int('ROLLCALL_SEARCH_TIMEOUT_MS', env['ROLLCALL_SEARCH_TIMEOUT_MS'], 10_000, 1),
    maxPatternTerms: int('ROLLCALL_MAX_PATTERN_TERMS', env['ROLLCALL_MAX_PATTERN_TERMS'], 100_000, 1),
    searchBitmaps: bool('ROLLCALL_SEARCH_BITMAPS', env['ROLLCALL_SEARCH_BITMAPS'], true),
    searchesPerKey: int('ROLLCALL_SEARCHES_PER_KEY', env['ROLLCALL_SEARCHES_PER_KEY'], 1),
    requestTimeoutMs: int('ROLLCALL_REQUEST_TIMEOUT_MS', env['ROLLCALL_REQUEST_TIMEOUT_MS'], 300_000, 100),
    connectionIdleMs: int('ROLLCALL_CONNECTION_IDLE_MS', env['ROLLCALL_CONNECTION_IDLE_MS'], 30_000, 100),
    maxConnections: int('ROLLCALL_MAX_CONNECTIONS', env['ROLLCALL_MAX_CONNECTIONS'], 10_000, 1),
    maxConnectionsPerAddress: int('ROLLCALL_MAX_CONNECTIONS_PER_ADDRESS', env['ROLLCALL_MAX_CONNECTIONS_PER_ADDRESS'], 500, 1),
    benchCeiling: overrides.benchCeiling ?? false,
    metricsPublic: overrides.metricsPublic || bool('ROLLCALL_METRICS_PUBLIC', env['ROLLCALL_METRICS_PUBLIC'], false),
    requestLog: bool('ROLLCALL_REQUEST_LOG', env['ROLLCALL_REQUEST_LOG'], true),
    logFile: env['ROLLCALL_LOG_FILE'] || null,
    requestMetrics: bool('ROLLCALL_REQUEST_METRICS', env['ROLLCALL_REQUEST_METRICS'], true),
    bulk: Object.freeze({
      maxRecords: int('ROLLCALL_BULK_MAX_RECORDS', env['ROLLCALL_BULK_MAX_RECORDS'], 10_000, 1),
      partRecords: int('ROLLCALL_BULK_PART_RECORDS', env['ROLLCALL_BULK_PART_RECORDS'], 10_000, 1),
      retentionDays: int('ROLLCALL_BULK_RETENTION_DAYS', env['ROLLCALL_BULK_RETENTION_DAYS'], 30, 1),
      uploadMaxBytes: int('ROLLCALL_BULK_UPLOAD_MAX_BYTES', env['ROLLCALL_BULK_UPLOAD_MAX_BYTES'], 2 * 1024 * 1024, 1024),
      partPauseMs: int('ROLLCALL_BULK_PART_PAUSE_MS', env['ROLLCALL_BULK_PART_PAUSE_MS'], 0),
      parallelParts: int('ROLLCALL_BULK_PARALLEL_PARTS', env['ROLLCALL_BULK_PARALLEL_PARTS'], 0),
    }),
    jobs: Object.freeze({
      inServer: bool('ROLLCALL_SERVER_WORKER', env['ROLLCALL_SERVER_WORKER'], true),
      leaseMs: int('ROLLCALL_JOB_LEASE_MS', env['ROLLCALL_JOB_LEASE_MS'], 15_000, 100),
      pollMs: int('ROLLCALL_JOB_POLL_MS', env['ROLLCALL_JOB_POLL_MS'], 500, 10),
    }),
    webhooks: Object.freeze({
      allowPrivate: bool('ROLLCALL_WEBHOOK_ALLOW_PRIVATE', env['ROLLCALL_WEBHOOK_ALLOW_PRIVATE'], false),
      allowList: Object.freeze((env['ROLLCALL_WEBHOOK_ALLOW_LIST'] ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
      timeoutMs: int('ROLLCALL_WEBHOOK_TIMEOUT_MS', env['ROLLCALL_WEBHOOK_TIMEOUT_MS'], 10_000, 1),
      maxRedirects: int('ROLLCALL_WEBHOOK_MAX_REDIRECTS', env['ROLLCALL_WEBHOOK_MAX_REDIRECTS'], 3),
      retrySchedule: Object.freeze(parseDurations(env['ROLLCALL_WEBHOOK_RETRY_SCHEDULE'] || '5s,30s,2m,10m,1h,6h', 'ROLLCALL_WEBHOOK_RETRY_SCHEDULE')),
    }),
    subscriptions: Object.freeze({
      validityDays: int('ROLLCALL_SUBSCRIPTION_VALIDITY_DAYS', env['ROLLCALL_SUBSCRIPTION_VALIDITY_DAYS'], 91, 1),
      maxLifetimeDays: int('ROLLCALL_SUBSCRIPTION_MAX_LIFETIME_DAYS', env['ROLLCALL_SUBSCRIPTION_MAX_LIFETIME_DAYS'], 365, 1),
      maxPerKey: int('ROLLCALL_SUBSCRIPTIONS_PER_KEY', env['ROLLCALL_SUBSCRIPTIONS_PER_KEY'], 500, 1),
      maxIds: int('ROLLCALL_SUBSCRIPTION_MAX_IDS', env['ROLLCALL_SUBSCRIPTION_MAX_IDS'], 300_000, 1),
      schedule: schedule(env['ROLLCALL_SUBSCRIPTION_SCHEDULE']),
      quietMs: int('ROLLCALL_SUBSCRIPTION_QUIET_MS', env['ROLLCALL_SUBSCRIPTION_QUIET_MS'], 2000),
      batchItems: int('ROLLCALL_SUBSCRIPTION_BATCH_ITEMS', env['ROLLCALL_SUBSCRIPTION_BATCH_ITEMS'], 1000, 1),
    }),
  };
  if ((config.tlsCertFile === null) !== (config.tlsKeyFile === null)) {
    throw new ConfigError('ROLLCALL_TLS_CERT and ROLLCALL_TLS_KEY must be set together');
  }
  if (config.fileStore === 'database' && config.databaseUrl === null) throw new ConfigError('--file-store database keeps bulk files in PostgreSQL: give --database-url too');
  if (config.databaseReadUrls.length > 0 && config.databaseUrl === null) throw new ConfigError('--database-read-url names replicas of a PostgreSQL primary: give --database-url too');
  return Object.freeze(config);
}
