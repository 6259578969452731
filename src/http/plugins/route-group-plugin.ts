// Names the route group of every route registered after it in its scope (in the route's config),
// so that metrics, usage counts and request logs can say which group a request belonged to.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { apiError } from '../../errors/catalogue.js';
import type { DatasetName } from '../../datasets/datasets.js';
import { principalOf } from './auth-plugin.js';

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

/** Refuses keys that were given a list of datasets without this one (registered after auth). */
const access: FastifyPluginAsync<{ dataset: DatasetName }> = async (scope, { dataset }) => {
  scope.addHook('onRequest', async (request) => {
    const allowed = principalOf(request).datasets;
    if (allowed !== null && !allowed.includes(dataset)) throw apiError('DATASET_FORBIDDEN');
  });
};

export const datasetAccessPlugin = fp(access, { name: 'rollcall-dataset-access', fastify: '5.x', dependencies: ['rollcall-auth'] });
