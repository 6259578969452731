// Names the route group of every route registered after it in its scope (in the route's config),
// so that metrics, usage counts and request logs can say which group a request belonged to.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route group (a rate-limit group, `admin` or `meta`). */
    group?: string;
  }
}

const plugin: FastifyPluginAsync<{ group: string }> = async (scope, { group }) => {
  scope.addHook('onRoute', (route) => {
    route.config = { group, ...(route.config ?? {}) };
  });
};

export const routeGroupPlugin = fp(plugin, { name: 'rollcall-route-group', fastify: '5.x' });
