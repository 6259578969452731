// Configuration is read once, from the environment and command-line flags, validated and frozen.
// Nothing else in the code base reads process.env.
import { resolve } from 'node:path';

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

export interface Config {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly tlsCertFile: string | null;
  readonly tlsKeyFile: string | null;
  readonly costs: Costs;
  readonly rateLimits: Readonly<Record<RateLimitGroup, RateLimit>>;
  /** Lifetime of JWTs printed by `keys create`, seconds. */
  readonly jwtTtlSeconds: number;
  /** How long an authenticated key is cached in-process, ms (0 = look it up on every request). */
  readonly authCacheMs: number;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  /** Threads that run searches off the event loop. */
  readonly searchWorkers: number;
  /** Time budget of one search before it answers 503, ms. */
  readonly searchTimeoutMs: number;
  /** Registers the no-auth ceiling route used by bench:collect. Never on by default. */
  readonly benchCeiling: boolean;
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
  host?: string | undefined;
  port?: number | undefined;
  benchCeiling?: boolean | undefined;
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
    rateLimits: Object.freeze(rateLimits),
    jwtTtlSeconds: int('ROLLCALL_JWT_TTL_SECONDS', env['ROLLCALL_JWT_TTL_SECONDS'], 365 * 24 * 3600, 60),
    authCacheMs: int('ROLLCALL_AUTH_CACHE_MS', env['ROLLCALL_AUTH_CACHE_MS'], 1000),
    logLevel: env['ROLLCALL_LOG_LEVEL'] || 'info',
    bodyLimitBytes: int('ROLLCALL_BODY_LIMIT_BYTES', env['ROLLCALL_BODY_LIMIT_BYTES'], 5 * 1024 * 1024, 1024),
    searchWorkers: int('ROLLCALL_SEARCH_WORKERS', env['ROLLCALL_SEARCH_WORKERS'], 2, 1),
    searchTimeoutMs: int('ROLLCALL_SEARCH_TIMEOUT_MS', env['ROLLCALL_SEARCH_TIMEOUT_MS'], 10_000, 1),
    benchCeiling: overrides.benchCeiling ?? false,
  };
  if ((config.tlsCertFile === null) !== (config.tlsKeyFile === null)) {
    throw new ConfigError('ROLLCALL_TLS_CERT and ROLLCALL_TLS_KEY must be set together');
  }
  return Object.freeze(config);
}
