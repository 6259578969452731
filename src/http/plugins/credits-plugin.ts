// The credits meter for a scope: optionally refuses early (402) when the balance cannot cover one
// call, and gives handlers `reply.chargeCredits(ref)`, which takes the cost atomically right before a 200
// is sent and sets `x-credits-remaining`. Nothing is charged for a response that is not sent.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { apiError } from '../../errors/catalogue.js';
import type { CreditPool, Store } from '../../store/store.js';
import { isoNow, type Clock } from '../../util/clock.js';
import { principalOf } from './auth-plugin.js';

declare module 'fastify' {
  interface FastifyReply {
    /** Charges this scope's cost; throws 402 when the balance no longer covers it. */
    chargeCredits(ref: string | null): Promise<number>;
  }
}

export interface CreditsOptions {
  readonly pool: CreditPool;
  readonly cost: number;
  readonly reason: string;
  /**
   * Refuse with 402 before the handler runs when the balance cannot cover one call. Worth its
   * extra read where the work is expensive (search); for collect the charge alone decides.
   */
  readonly precheck: boolean;
  readonly store: Store;
  readonly clock: Clock;
  /** Hears every charge made (metrics). */
  readonly onCharged?: (pool: CreditPool, amount: number) => void;
}

const plugin: FastifyPluginAsync<CreditsOptions> = async (scope, { pool, cost, reason, precheck, store, clock, onCharged }) => {
  if (precheck && cost > 0) {
    scope.addHook('onRequest', async (request) => {
      if ((await store.credits.balance(principalOf(request).id, pool)) < cost) throw apiError('CREDITS_INSUFFICIENT');
    });
  }
  scope.decorateReply('chargeCredits', async function chargeCredits(this: FastifyReply, ref: string | null): Promise<number> {
    if (cost === 0) {
      // Free: nothing to charge or record; the balance is still reported.
      const remaining = await store.credits.balance(principalOf(this.request).id, pool);
      this.header('x-credits-remaining', String(remaining));
      return remaining;
    }
    const result = await store.credits.charge(principalOf(this.request).id, pool, cost, reason, ref, isoNow(clock));
    if (!result.ok) throw apiError('CREDITS_INSUFFICIENT');
    onCharged?.(pool, cost);
    this.header('x-credits-remaining', String(result.remaining));
    return result.remaining;
  });
};

export const creditsPlugin = fp(plugin, { name: 'rollcall-credits', fastify: '5.x', dependencies: ['rollcall-auth'] });
