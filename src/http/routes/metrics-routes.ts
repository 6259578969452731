// GET /metrics: Prometheus text exposition of this process's registry (src/operate/metrics.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../../operate/metrics.js';

export const metricsRoutes: FastifyPluginAsync<{ metrics: Metrics }> = async (scope, { metrics }) => {
  scope.get('/metrics', {
    schema: { tags: ['Admin API'], security: [{ adminToken: [] }], summary: 'Prometheus metrics (text format); an admin token unless the server runs with --metrics-public' },
    handler: async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  });
};
