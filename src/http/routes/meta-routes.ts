// Routes without authentication: health, the OpenAPI document, and (benchmarks only) the ceiling.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Store } from '../../store/store.js';

export interface MetaOptions {
  readonly store: Store;
  readonly benchCeiling: boolean;
}

export const metaRoutes: FastifyPluginAsync<MetaOptions> = async (scope, { store, benchCeiling }) => {
  scope.get('/healthz', {
    schema: {
      tags: ['meta'],
      summary: 'Liveness and store check',
      response: { 200: { type: 'object', properties: { status: { type: 'string' }, store: { type: 'string' } } } },
    },
    handler: async () => {
      await store.employees.count('employee_clean');
      return { status: 'ok', store: store.dialect };
    },
  });
  scope.get('/cdapi/openapi.json', { schema: { hide: true } }, async () => (scope as FastifyInstance & { swagger(): unknown }).swagger());
  if (benchCeiling) {
    // The ceiling of bench:collect: the same server and TLS, one precomputed record, nothing else.
    const [id] = await store.employees.sampleIds('employee_clean', 1);
    const record = (id !== undefined ? await store.employees.getJsonById('employee_clean', id) : null) ?? '{}';
    // Group `bench`: no metrics, usage or log line either, so the ceiling stays the bare server.
    scope.get('/__bench/ceiling', { schema: { hide: true }, config: { group: 'bench' } }, async (_request, reply) =>
      reply.type('application/json; charset=utf-8').send(record),
    );
  }
};
