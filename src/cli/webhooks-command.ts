// rollcall webhooks list|retry: the outbox as an operator sees it, dead letters included.
import type { Config } from '../config/config.js';
import { openRuntime } from '../runtime.js';
import type { DeliveryState } from '../store/store.js';
import { intFlag, parse, UsageError, type Output } from './args.js';

const states: readonly DeliveryState[] = ['pending', 'delivered', 'dead'];

export async function webhooksCommand(config: Config, sub: string | undefined, args: string[], io: Output): Promise<number> {
  if (sub !== 'list' && sub !== 'retry') throw new UsageError('usage: rollcall webhooks list|retry ...');
  const rt = await openRuntime(config);
  try {
    if (sub === 'list') {
      const { values } = parse(args, { state: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } });
      const state = (values.state ?? null) as DeliveryState | null;
      if (state !== null && !states.includes(state)) throw new UsageError(`--state must be one of ${states.join(', ')}`);
      const deliveries = await rt.store.outbox.list(state, intFlag(values.limit, '--limit', 100, 1));
      if (values.json) io.out(JSON.stringify(deliveries));
      else {
        for (const d of deliveries) {
          const next = d.state === 'pending' ? ` next ${new Date(d.nextAttemptAt).toISOString()}` : '';
          io.out(`${d.id}\t${d.state}\t${d.topic}\t${d.url}\tattempts=${d.attempts}${next}\t${d.lastError ?? (d.lastStatus !== null ? `HTTP ${d.lastStatus}` : '')}`);
        }
      }
      return 0;
    }
    const { positionals } = parse(args, {}, true);
    if (positionals.length !== 1) throw new UsageError('usage: rollcall webhooks retry DELIVERY_ID');
    const done = await rt.store.outbox.retry(positionals[0]!, rt.clock.now());
    io.out(done ? `queued ${positionals[0]} again` : `no dead delivery ${positionals[0]}`);
    return done ? 0 : 1;
  } finally {
    await rt.store.close();
  }
}
