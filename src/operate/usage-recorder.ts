// Counts answered requests per key, hour, endpoint and status in memory and adds them to the
// store's usage counts once a second (and on demand, before a usage report), so the request path
// costs one Map update instead of a write.
import type { Store, UsageCount } from '../store/store.js';
import { hourOf } from '../store/control/usage-sql.js';

type Counted = { -readonly [K in keyof UsageCount]: UsageCount[K] };

export class UsageRecorder {
  private pending = new Map<string, Counted>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly store: Store, private readonly onError: (error: unknown) => void, intervalMs = 1000) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  private hourMs = -1;
  private hourText = '';

  record(keyId: string, endpoint: string, status: number, at: number): void {
    const start = at - (at % 3_600_000);
    if (start !== this.hourMs) {
      this.hourMs = start;
      this.hourText = hourOf(new Date(start).toISOString());
    }
    this.add({ keyId, hour: this.hourText, endpoint, status, requests: 1 });
  }

  /** Adds to the pending count of the same key, hour, endpoint and status. */
  private add(c: Counted): void {
    const k = `${c.keyId}\u0000${c.hour}\u0000${c.endpoint}\u0000${c.status}`;
    const now = this.pending.get(k);
    if (now) now.requests += c.requests;
    else this.pending.set(k, c);
  }

  /** Writes what was counted so far; resolves once it is in the store (or failed and was put back). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = [...this.pending.values()];
      this.pending = new Map();
      try {
        await this.store.usage.add(batch);
      } catch (error) {
        // Kept for the next flush: counts are never dropped for a store that was briefly away.
        for (const c of batch) this.add(c);
        this.onError(error);
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
