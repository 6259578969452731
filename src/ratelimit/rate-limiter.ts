// Rate limiting behind a port: an in-process token bucket on one node; a shared counter can
// implement the same interface when several nodes serve one key.
import type { RateLimit } from '../config/config.js';

export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Whole seconds until a request would be allowed (0 when allowed). */
  readonly retryAfterSeconds: number;
}

export interface RateLimiter {
  /** In-process limiters answer at once; a shared one (PostgreSQL) asks its database. */
  take(bucket: string, rate: RateLimit, nowMs: number): RateDecision | Promise<RateDecision>;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Token buckets: capacity = limit, refilled continuously at limit per window. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweepMs = 0;

  take(bucket: string, rate: RateLimit, nowMs: number): RateDecision {
    if (rate.limit <= 0) return { allowed: true, limit: 0, remaining: 0, retryAfterSeconds: 0 };
    this.sweep(nowMs, rate.windowMs);
    const perMs = rate.limit / rate.windowMs;
    const b = this.buckets.get(bucket) ?? { tokens: rate.limit, updatedMs: nowMs };
    b.tokens = Math.min(rate.limit, b.tokens + Math.max(0, nowMs - b.updatedMs) * perMs);
    b.updatedMs = nowMs;
    this.buckets.set(bucket, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, limit: rate.limit, remaining: Math.floor(b.tokens), retryAfterSeconds: 0 };
    }
    const waitMs = (1 - b.tokens) / perMs;
    return { allowed: false, limit: rate.limit, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** Drops buckets idle long enough to be full again, so memory tracks active keys only. */
  private sweep(nowMs: number, windowMs: number): void {
    if (nowMs - this.lastSweepMs < 60_000 || this.buckets.size < 10_000) return;
    this.lastSweepMs = nowMs;
    for (const [k, b] of this.buckets) if (nowMs - b.updatedMs > Math.max(windowMs, 60_000)) this.buckets.delete(k);
  }
}
