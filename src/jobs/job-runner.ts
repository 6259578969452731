// A restartable worker loop over a durable queue: claim a job under a lease, run its handler,
// renew the lease while it runs. The queue and the handler come from the caller, so this module
// knows nothing of what a job is. start() and stop() are safe to call twice; stop() aborts the
// running handlers at their next checkpoint and hands their jobs back to the queue.
import { PollLoop } from './poll-loop.js';

export interface JobSource<J> {
  claim(): Promise<J | null>;
  /** False when the job is no longer ours (the lease ran out and another worker took it). */
  renew(job: J): Promise<boolean>;
  release(job: J): Promise<void>;
}

/** What a handler checks between steps of its work. */
export interface Lease {
  readonly signal: AbortSignal;
  /** Renews the lease when due; throws LeaseLostError when the job must not go on. */
  keep(): Promise<void>;
}

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

export interface RunnerOptions {
  readonly pollMs: number;
  readonly leaseMs: number;
  readonly concurrency: number;
  readonly onError: (error: unknown) => void;
}

export class JobRunner<J> {
  private readonly active = new Map<J, AbortController>();
  private readonly loop: PollLoop;

  constructor(
    private readonly source: JobSource<J>,
    private readonly handler: (job: J, lease: Lease) => Promise<void>,
    private readonly options: RunnerOptions,
  ) {
    this.loop = new PollLoop(() => this.fill(), options.pollMs, options.onError);
  }

  start(): void {
    this.loop.start();
  }

  /** Looks for work now instead of at the next poll (e.g. right after a job was queued). */
  wake(): void {
    this.loop.wake();
  }

  /** Claims jobs until the queue is empty or every slot is busy. */
  private async fill(): Promise<void> {
    while (this.loop.isRunning && this.active.size < this.options.concurrency) {
      let job: J | null;
      try {
        job = await this.source.claim();
      } catch (error) {
        this.options.onError(error);
        return;
      }
      if (job === null) return;
      this.run(job);
    }
  }

  private run(job: J): void {
    const controller = new AbortController();
    this.active.set(job, controller);
    let renewedAt = Date.now();
    const lease: Lease = {
      signal: controller.signal,
      keep: async () => {
        if (controller.signal.aborted) throw new LeaseLostError('worker is stopping');
        if (Date.now() - renewedAt < this.options.leaseMs / 3) return;
        renewedAt = Date.now();
        if (!(await this.source.renew(job))) {
          controller.abort();
          throw new LeaseLostError('lease lost to another worker');
        }
      },
    };
    void this.handler(job, lease)
      .catch(async (error: unknown) => {
        if (controller.signal.aborted && !this.loop.isRunning) await this.source.release(job).catch(this.options.onError);
        else if (!(error instanceof LeaseLostError)) this.options.onError(error);
      })
      .finally(() => {
        this.active.delete(job);
        this.wake();
      });
  }

  async stop(): Promise<void> {
    if (!this.loop.isRunning) return;
    const stopping = this.loop.stop();
    for (const controller of this.active.values()) controller.abort();
    await stopping;
    while (this.active.size > 0) await new Promise((r) => setTimeout(r, 10));
  }
}
