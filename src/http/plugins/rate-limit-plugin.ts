// Per-key, per-endpoint-group rate limit (spec §2.4), registered once per group scope after auth.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Config, RateLimitGroup } from '../../config/config.js';
import { apiError } from '../../errors/catalogue.js';
import type { RateLimiter } from '../../ratelimit/rate-limiter.js';
import type { Clock } from '../../util/clock.js';
import { principalOf } from './auth-plugin.js';
import { routeGroupPlugin } from './route-group-plugin.js';

export interface RateLimitOptions {
  readonly group: RateLimitGroup;
  readonly config: Config;
  readonly limiter: RateLimiter;
  readonly clock: Clock;
}

const plugin: FastifyPluginAsync<RateLimitOptions> = async (scope, { group, config, limiter, clock }) => {
  // The rate-limit group is the route group metrics, usage and request logs report.
  await scope.register(routeGroupPlugin, { group });
  scope.addHook('onRequest', async (request, reply) => {
    const principal = principalOf(request);
    const rate = principal.rateLimits[group] ?? config.rateLimits[group];
    const decision = await limiter.take(`${principal.id}\u0000${group}`, rate, clock.now());
    if (decision.limit === 0) return;
    const unit = rate.windowMs >= 60_000 ? 'minute' : 'second';
    const headers = {
      [`x-ratelimit-limit-${unit}`]: String(decision.limit),
      [`x-ratelimit-remaining-${unit}`]: String(decision.remaining),
    };
    if (!decision.allowed) throw apiError('RATE_LIMITED', { ...headers, 'retry-after': String(decision.retryAfterSeconds) });
    reply.headers(headers);
  });
};

export const rateLimitPlugin = fp(plugin, { name: 'rollcall-rate-limit', fastify: '5.x', dependencies: ['rollcall-auth'] });
