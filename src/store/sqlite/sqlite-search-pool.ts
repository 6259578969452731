// Searches run on a small pool of worker threads (search-worker.ts). Each query has a time
// budget: past it the caller gets SearchTimeoutError (503) at once, and the busy thread is
// replaced, so one runaway query costs one thread's time, never the server's responsiveness.
import { Worker } from 'node:worker_threads';
import type { DatasetName } from '../../datasets/datasets.js';
import type { SearchRequest } from '../../query/ast.js';
import { QueryValidationError } from '../../query/query-errors.js';
import { SearchTimeoutError, type SearchPage, type SearchStore, type SortValues } from '../store.js';

interface Slot {
  worker: Worker;
  busy: boolean;
}

interface Waiting {
  resolve: (page: SearchPage) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  slot: Slot;
}

type Reply =
  | { ready: true }
  | { seq: number; page?: Omit<SearchPage, 'scores'> & { scores: [number, number][] }; error?: { name: string; message: string } };

export class SqliteSearchPool implements SearchStore {
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private readonly queue: (() => void)[] = [];
  /** Callers of whenFree waiting for a thread to be free. */
  private freeWaiters: (() => void)[] = [];
  private seq = 0;
  private closed = false;

  constructor(private readonly file: string, size: number, private readonly timeoutMs: number, private readonly maxPatternTerms?: number, private readonly bitmaps = true) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** A new thread takes searches once it says it is ready, so its start-up never eats a search's budget. */
  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(new URL('./search-worker.js', import.meta.url), { workerData: { file: this.file, maxPatternTerms: this.maxPatternTerms, bitmaps: this.bitmaps } }), busy: true };
    slot.worker.on('message', (reply: Reply) => {
      if ('ready' in reply) {
        slot.busy = false;
        this.next();
      } else this.settle(slot, reply);
    });
    slot.worker.on('error', (error) => {
      for (const [seq, w] of this.waiting) if (w.slot === slot) this.finish(seq, () => w.reject(error));
      this.replace(slot);
    });
    slot.worker.unref();
    return slot;
  }

  private replace(slot: Slot): void {
    void slot.worker.terminate();
    const i = this.slots.indexOf(slot);
    if (i >= 0 && !this.closed) {
      this.slots[i] = this.spawn();
      this.next();
    }
  }

  private settle(slot: Slot, reply: Exclude<Reply, { ready: true }>): void {
    this.finish(reply.seq, (w) => {
      if (reply.error) {
        // A query the plan stage refuses (a pattern past its term limit) is the client's 400.
        w.reject(reply.error.name === 'QueryValidationError' ? new QueryValidationError(reply.error.message) : new Error(reply.error.message));
      } else {
        w.resolve({ ...reply.page!, scores: new Map(reply.page!.scores) });
      }
    });
    slot.busy = false;
    this.next();
  }

  private finish(seq: number, done: (w: Waiting) => void): void {
    const w = this.waiting.get(seq);
    if (!w) return;
    this.waiting.delete(seq);
    clearTimeout(w.timer);
    done(w);
  }

  private next(): void {
    while (this.queue.length > 0 && this.slots.some((s) => !s.busy)) this.queue.shift()!();
    if (this.freeWaiters.length > 0 && this.slots.some((s) => !s.busy)) {
      const waiters = this.freeWaiters;
      this.freeWaiters = [];
      for (const go of waiters) go();
    }
  }

  /** Threads free to take a search now. */
  get freeThreads(): number {
    return this.slots.filter((s) => !s.busy).length;
  }

  whenFree(maxMs: number): Promise<void> {
    if (this.closed || this.slots.some((s) => !s.busy)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.freeWaiters = this.freeWaiters.filter((w) => w !== go);
        resolve();
      }, maxMs);
      const go = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.freeWaiters.push(go);
    });
  }

  search(dataset: DatasetName, request: SearchRequest, after: SortValues | null, size: number, withScores = false, budgetMs?: number): Promise<SearchPage> {
    const budget = Math.min(this.timeoutMs, budgetMs ?? this.timeoutMs);
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const run = (): void => {
        const remaining = budget - (Date.now() - started);
        // Its budget went by in the queue: answer now, without taking (and then replacing) a thread.
        if (remaining <= 0) return reject(new SearchTimeoutError('Query execution was cancelled due to timeout'));
        const slot = this.slots.find((s) => !s.busy)!;
        slot.busy = true;
        const seq = this.seq++;
        const timer = setTimeout(() => {
          this.finish(seq, (w) => w.reject(new SearchTimeoutError('Query execution was cancelled due to timeout')));
          this.replace(slot);
        }, remaining);
        this.waiting.set(seq, { resolve, reject, timer, slot });
        slot.worker.postMessage({ seq, dataset, request, after, size, withScores });
      };
      if (this.slots.some((s) => !s.busy)) run();
      else this.queue.push(run);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const go of this.freeWaiters.splice(0)) go();
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
