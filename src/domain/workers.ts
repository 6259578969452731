// The background work of a node: the data-request job runner, the subscription notifier, the
// webhook outbox dispatcher and the retention sweep. `serve` runs it by default; `rollcall worker`
// runs only this. Everything it works from lives in the store, so any number of nodes can run it.
import { cpus, hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { costOf, type Config } from '../config/config.js';
import { datasetNames, type DatasetDefinition, type DatasetName } from '../datasets/datasets.js';
import { tracksChanges } from '../changes/change-state.js';
import type { FileStore } from '../files/file-store.js';
import { JobRunner } from '../jobs/job-runner.js';
import type { DataRequest, Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import { OutboxDispatcher } from '../webhooks/outbox-dispatcher.js';
import type { SendOptions } from '../webhooks/webhook-sender.js';
import { runDataRequest } from './bulk/bulk-export.js';
import { requestPrefix } from './bulk/data-requests.js';
import { Notifier } from './subscriptions/notifier.js';

export interface WorkerDeps {
  readonly config: Config;
  readonly store: Store;
  readonly files: FileStore;
  readonly datasets: Readonly<Record<DatasetName, DatasetDefinition>>;
  readonly clock: Clock;
  readonly log: (message: string, error?: unknown) => void;
  readonly send?: Partial<SendOptions>;
  /**
   * A `rollcall worker` process serves no requests, so an export may compress on every core; a
   * server's own worker writes one part at a time so collects keep their latency (bench:bulk:
   * two parts at once ran at 1.04 of plain gzip but took collect p99 from 2 to 5–7 ms; one part
   * 0.71–0.81 with p99 2 → 4 ms).
   */
  readonly dedicated?: boolean;
}

/** How often finished requests past their retention are swept. */
const sweepEveryMs = 60 * 60 * 1000;

export class Workers {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly runner: JobRunner<DataRequest>;
  private readonly dispatcher: OutboxDispatcher;
  private sweeper: NodeJS.Timeout | null = null;
  /** One notifier per dataset whose changes are tracked (each reads its own change log). */
  private readonly notifiers: readonly Notifier[];
  private notifyTimer: NodeJS.Timeout | null = null;
  private notifying: Promise<void> | null = null;

  constructor(private readonly deps: WorkerDeps) {
    const { config, store, clock } = deps;
    const onError = (error: unknown): void => deps.log('background work failed', error);
    this.runner = new JobRunner<DataRequest>(
      {
        claim: () => store.dataRequests.claim(this.owner, config.jobs.leaseMs, clock.now()),
        renew: (job) => store.dataRequests.renew(job.id, this.owner, config.jobs.leaseMs, clock.now()),
        release: (job) => store.dataRequests.release(job.id, this.owner),
      },
      async (job, lease) => {
        const parallelParts = config.bulk.parallelParts || (deps.dedicated ? cpus().length : 1);
        await runDataRequest({ ...deps, bulk: config.bulk, recordCost: (d) => costOf(config, d, 'bulkRecord'), parallelParts }, job, this.owner, lease);
        this.dispatcher.wake();
      },
      { pollMs: config.jobs.pollMs, leaseMs: config.jobs.leaseMs, concurrency: 1, onError },
    );
    this.notifiers = datasetNames
      .filter((d) => tracksChanges(d))
      .map((d) => new Notifier({ store, clock, config: config.subscriptions, dataset: deps.datasets[d] }));
    this.dispatcher = new OutboxDispatcher({
      store, config: config.webhooks, clock, pollMs: config.jobs.pollMs, onError, ...(deps.send ? { send: deps.send } : {}),
    });
  }

  start(): void {
    this.runner.start();
    this.dispatcher.start();
    if (!this.notifyTimer) {
      // Imports run in other processes: the change log is polled, like the job queue.
      this.notifyTimer = setInterval(() => void this.notify(), this.deps.config.jobs.pollMs);
      this.notifyTimer.unref();
    }
    if (!this.sweeper) {
      void this.sweep();
      this.sweeper = setInterval(() => void this.sweep(), sweepEveryMs);
      this.sweeper.unref();
    }
  }

  /** A new data request was queued: start on it now rather than at the next poll. */
  wake(): void {
    this.runner.wake();
  }

  /** A webhook was queued elsewhere (e.g. a simulation): deliver it now. */
  wakeDispatcher(): void {
    this.dispatcher.wake();
  }

  /** One notifier run (never two at once in this process); wakes the dispatcher when it queued something. */
  notify(): Promise<void> {
    this.notifying ??= this.notifiers
      .reduce(async (sum: Promise<number>, n) => (await sum) + (await n.run()), Promise.resolve(0))
      .then((queued) => {
        if (queued > 0) this.dispatcher.wake();
      })
      .catch((error: unknown) => this.deps.log('subscription notifier failed', error))
      .finally(() => {
        this.notifying = null;
      });
    return this.notifying;
  }

  /** Deletes the files of requests finished more than the retention period ago. */
  async sweep(): Promise<number> {
    const { store, files, clock, config } = this.deps;
    try {
      const before = new Date(clock.now() - config.bulk.retentionDays * 86_400_000).toISOString();
      const expired = await store.dataRequests.expire(before);
      for (const r of expired) await files.removeAll(requestPrefix(r.id));
      return expired.length;
    } catch (error) {
      this.deps.log('retention sweep failed', error);
      return 0;
    }
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    if (this.notifyTimer) clearInterval(this.notifyTimer);
    this.notifyTimer = null;
    await this.notifying;
    await this.runner.stop();
    await this.dispatcher.stop();
  }
}
