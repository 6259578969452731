// Delivers the webhook outbox: claims due deliveries under a short lease, posts each one signed,
// and records the outcome — delivered, retry at the next step of the schedule, or dead letter
// once the schedule is used up. Deliveries live in the store, so they survive restarts, and any
// number of dispatchers (server, workers) can share one outbox.
import type { WebhooksConfig } from '../config/config.js';
import type { Delivery, Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import { PollLoop } from '../jobs/poll-loop.js';
import { webhookSecret } from './webhook-secrets.js';
import { sendWebhook, type SendOptions } from './webhook-sender.js';
import { deliveryHeader, signatureHeader, signWebhook } from './webhook-signature.js';

export interface DispatcherOptions {
  readonly store: Store;
  readonly config: WebhooksConfig;
  readonly clock: Clock;
  readonly pollMs: number;
  readonly onError: (error: unknown) => void;
  /** Extra send options (tests: a CA for an https receiver, a fake DNS). */
  readonly send?: Partial<SendOptions>;
}

/** Deliveries posted at once by one dispatcher. */
const batch = 8;

export class OutboxDispatcher {
  private readonly loop: PollLoop;

  constructor(private readonly options: DispatcherOptions) {
    this.loop = new PollLoop(() => this.drain(), options.pollMs, options.onError);
  }

  start(): void {
    this.loop.start();
  }

  /** Looks at the outbox now (e.g. right after something was queued). */
  wake(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  private async drain(): Promise<void> {
    const { store, config, clock } = this.options;
    // Long enough for a whole delivery with its redirects; a dispatcher that dies mid-post lets
    // the lease run out and another one retries (receivers de-duplicate by x-rollcall-delivery).
    const leaseMs = config.timeoutMs * 2 + 5000;
    while (this.loop.isRunning) {
      const due = await store.outbox.claimDue(clock.now(), leaseMs, batch);
      if (due.length === 0) return;
      await Promise.all(due.map((d) => this.deliver(d)));
    }
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const { store, config, clock } = this.options;
    const secret = await webhookSecret(store.secrets, delivery.keyId);
    const headers = {
      [signatureHeader]: signWebhook(secret, Math.floor(clock.now() / 1000), delivery.body),
      [deliveryHeader]: delivery.id,
      'x-rollcall-topic': delivery.topic,
    };
    const result = await sendWebhook(delivery.url, delivery.body, headers, {
      policy: { allowPrivate: config.allowPrivate, allowList: config.allowList },
      timeoutMs: config.timeoutMs,
      maxRedirects: config.maxRedirects,
      ...this.options.send,
    });
    if (result.ok) {
      await store.outbox.markDelivered(delivery.id, result.status ?? 200, clock.now());
      return;
    }
    const delay = config.retrySchedule[delivery.attempts];
    await store.outbox.markFailed(delivery.id, result.status, result.error ?? 'delivery failed', delay === undefined ? null : clock.now() + delay);
  }
}
