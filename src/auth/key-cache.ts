// A short-lived in-process cache of authenticated keys. Looking a key up costs a read of the
// control database on every request; caching it for about a second removed that read from the
// collect hot path (bench/RESULTS.md). The price: a revoked key keeps working on a node for at
// most the TTL (ROLLCALL_AUTH_CACHE_MS, 0 disables). Only successful lookups are cached, so a
// new key works at once.
import type { ApiKeyRecord } from '../store/store.js';
import type { Clock } from '../util/clock.js';

interface Entry {
  readonly key: ApiKeyRecord;
  readonly until: number;
}

export class KeyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
    private readonly maxEntries = 10_000,
  ) {}

  get(id: string): ApiKeyRecord | undefined {
    if (this.ttlMs <= 0) return undefined;
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.until <= this.clock.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.key;
  }

  set(id: string, key: ApiKeyRecord): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(id, { key, until: this.clock.now() + this.ttlMs });
  }
}
