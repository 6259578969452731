// Fair search capacity: each key may run at most `perKey` searches at once; its further searches
// wait in the key's own queue, not in the search pool's, so one key flooding expensive queries
// holds at most `perKey` of the pool's threads and every other key keeps the rest. A search that
// waits longer than the search budget answers the budget's 503 without having run; one that waited
// runs with what is left of the budget, so waiting and running together stay within it.
import { SearchTimeoutError } from '../store/store.js';

interface KeyState {
  active: number;
  readonly waiting: { go: () => void; timer: NodeJS.Timeout }[];
}

export class SearchGate {
  private readonly keys = new Map<string, KeyState>();

  /** `perKey` 0: no limit. */
  constructor(private readonly perKey: number, private readonly maxWaitMs: number) {}

  /** Runs `work` when the key's turn comes, giving it the budget left (undefined: the whole budget). */
  async run<T>(key: string, work: (budgetMs: number | undefined) => Promise<T>): Promise<T> {
    if (this.perKey <= 0) return work(undefined);
    const started = Date.now();
    const waited = await this.acquire(key);
    try {
      return await work(waited ? this.maxWaitMs - (Date.now() - started) : undefined);
    } finally {
      this.release(key);
    }
  }

  /** Searches running and waiting for a key (for tests and metrics). */
  load(key: string): { active: number; waiting: number } {
    const s = this.keys.get(key);
    return { active: s?.active ?? 0, waiting: s?.waiting.length ?? 0 };
  }

  /** Resolves true when the search had to wait for its turn. */
  private acquire(key: string): Promise<boolean> {
    let s = this.keys.get(key);
    if (!s) {
      s = { active: 0, waiting: [] };
      this.keys.set(key, s);
    }
    if (s.active < this.perKey) {
      s.active++;
      return Promise.resolve(false);
    }
    const state = s;
    return new Promise<boolean>((resolve, reject) => {
      const entry = {
        go: () => {
          clearTimeout(entry.timer);
          state.active++;
          resolve(true);
        },
        timer: setTimeout(() => {
          const at = state.waiting.indexOf(entry);
          if (at >= 0) state.waiting.splice(at, 1);
          reject(new SearchTimeoutError());
        }, this.maxWaitMs),
      };
      state.waiting.push(entry);
    });
  }

  private release(key: string): void {
    const s = this.keys.get(key);
    if (!s) return;
    s.active--;
    const next = s.waiting.shift();
    if (next) next.go();
    else if (s.active === 0) this.keys.delete(key);
  }
}
