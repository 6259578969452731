// Searches run on a small pool of worker threads (search-worker.ts; a PostgreSQL node's copy of
// the postings has its own, pg-postings-search-worker.ts). Each query has a time budget: past it
// the caller gets SearchTimeoutError (503) at once, and the busy thread is replaced, so one
// runaway query costs one thread's time, never the server's responsiveness.
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
  resolve: (page: SearchPage | null) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  slot: Slot;
}

type Reply =
  | { ready: true }
  | { seq: number; page?: (Omit<SearchPage, 'scores'> & { scores: [number, number][] }) | null; error?: { name: string; message: string } };

/** Threads running one kind of search job (`script`), each job answering a page or null. */
export class SearchThreads {
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private readonly queue: (() => void)[] = [];
  /** Callers of whenFree waiting for a thread to be free. */
  private freeWaiters: (() => void)[] = [];
  private seq = 0;
  private closed = false;

  constructor(private readonly script: URL, private readonly workerData: unknown, size: number, protected readonly timeoutMs: number) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** A new thread takes searches once it says it is ready, so its start-up never eats a search's budget. */
  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.script, { workerData: this.workerData }), busy: true };
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
        w.resolve(reply.page ? { ...reply.page, scores: new Map(reply.page.scores) } : null);
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

  /** Runs a job on a free thread (after those queued before it), within `budgetMs` of now. */
  run(job: Record<string, unknown>, budgetMs?: number): Promise<SearchPage | null> {
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
        slot.worker.postMessage({ ...job, seq });
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

/** The embedded store's searches on threads, each with its own read-only connection. */
export class SqliteSearchPool extends SearchThreads implements SearchStore {
  constructor(file: string, size: number, timeoutMs: number, maxPatternTerms?: number, bitmaps = true) {
    super(new URL('./search-worker.js', import.meta.url), { file, maxPatternTerms, bitmaps }, size, timeoutMs);
  }

  async search(dataset: DatasetName, request: SearchRequest, after: SortValues | null, size: number, withScores = false, budgetMs?: number): Promise<SearchPage> {
    return (await this.run({ dataset, request, after, size, withScores }, budgetMs))!;
  }
}
