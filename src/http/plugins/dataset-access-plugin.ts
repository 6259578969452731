// Refuses, in a dataset's scopes, keys that were given a list of datasets without this one.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { apiError } from '../../errors/catalogue.js';
import type { DatasetName } from '../../datasets/datasets.js';
import { principalOf } from './auth-plugin.js';

/** Registered after auth. */
const access: FastifyPluginAsync<{ dataset: DatasetName }> = async (scope, { dataset }) => {
  scope.addHook('onRequest', async (request) => {
    const allowed = principalOf(request).datasets;
    if (allowed !== null && !allowed.includes(dataset)) throw apiError('DATASET_FORBIDDEN');
  });
};

export const datasetAccessPlugin = fp(access, { name: 'rollcall-dataset-access', fastify: '5.x', dependencies: ['rollcall-auth'] });
