// Rate limits shared by every node on one PostgreSQL database: the same token bucket as the
// in-process limiter, kept in an unlogged table and taken with one atomic upsert per request, so
// a key's limit holds however its requests are spread over nodes.
import type pg from 'pg';
import type { RateLimit } from '../../config/config.js';
import type { RateDecision, RateLimiter } from '../../ratelimit/rate-limiter.js';

export class PgRateLimiter implements RateLimiter {
  constructor(private readonly pool: pg.Pool) {}

  async take(bucket: string, rate: RateLimit, nowMs: number): Promise<RateDecision> {
    if (rate.limit <= 0) return { allowed: true, limit: 0, remaining: 0, retryAfterSeconds: 0 };
    const perMs = rate.limit / rate.windowMs;
    // r = the bucket refilled up to now; a request takes one token when r >= 1.
    const refilled = `LEAST($2::float8, b.tokens + GREATEST(0, $3::bigint - b.updated_ms) * $4::float8)`;
    const { rows } = await this.pool.query<{ tokens: number; allowed: boolean }>(
      `INSERT INTO rate_buckets AS b (bucket, tokens, updated_ms, allowed) VALUES ($1, $2::float8 - 1, $3, true)
       ON CONFLICT (bucket) DO UPDATE SET
         tokens = CASE WHEN ${refilled} >= 1 THEN ${refilled} - 1 ELSE ${refilled} END,
         allowed = ${refilled} >= 1,
         updated_ms = $3
       RETURNING tokens, allowed`,
      // PostgreSQL text cannot hold NUL, which the plugin uses between key and group.
      [bucket.replaceAll('\u0000', '|'), rate.limit, nowMs, perMs],
    );
    const { tokens, allowed } = rows[0]!;
    if (allowed) return { allowed: true, limit: rate.limit, remaining: Math.floor(tokens), retryAfterSeconds: 0 };
    return { allowed: false, limit: rate.limit, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
  }
}
