// GET .../collect/{id | shorthand name | profile URL} for both datasets, with the aliases of
// spec §4 and §5. The record is sent as stored, so the hot path never re-serialises: a record
// the store keeps gzip-compressed goes out as it is (`Content-Encoding: gzip`) to a client that
// accepts gzip, and inflated to one that does not.
import type { FastifyPluginAsync } from 'fastify';
import type { DatasetDefinition } from '../../datasets/datasets.js';
import { acceptsGzip, findRecord, parseCollectKey, parseFields, projectJson } from '../../domain/collect.js';
import { recordJson } from '../../store/stored-record.js';
import { ApiError } from '../../errors/catalogue.js';
import type { Store } from '../../store/store.js';
import { errorResponses, securityRequirement } from '../schemas.js';

export interface CollectRouteOptions {
  readonly store: Store;
  readonly dataset: DatasetDefinition;
  /** Path prefixes (below /cdapi) that end in `/collect`. */
  readonly prefixes: readonly string[];
  /** Whether `{key}` may be a full profile URL (Clean v2 only). */
  readonly allowUrl: boolean;
  readonly tag: string;
}

interface CollectRequest {
  Params: { '*': string };
  Querystring: { fields?: string[] };
}

export const collectRoutes: FastifyPluginAsync<CollectRouteOptions> = async (scope, { store, dataset, prefixes, allowUrl, tag }) => {
  const notFound = (): ApiError => new ApiError(dataset.notFound);
  prefixes.forEach((prefix, i) => {
    scope.get<CollectRequest>(`${prefix}/*`, {
      schema: {
        tags: [tag],
        hide: i > 0,
        summary: `Collect one ${dataset.name} record by id, shorthand name${allowUrl ? ' or URL-encoded profile URL' : ''}`,
        security: securityRequirement,
        params: { type: 'object', properties: { '*': { type: 'string', description: 'id | shorthand name' + (allowUrl ? ' | profile URL' : '') } } },
        querystring: {
          type: 'object',
          properties: { fields: { type: 'array', items: { type: 'string' }, description: 'Top-level fields to return (repeat or comma-separate)' } },
        },
        response: {
          200: { description: `The ${dataset.name} record`, type: 'object', additionalProperties: true },
          ...errorResponses,
        },
      },
      handler: async (request, reply) => {
        const fields = parseFields(dataset, request.query.fields);
        const key = parseCollectKey(request.params['*'], allowUrl);
        if (!key) throw notFound();
        const record = await findRecord(store, dataset, key);
        if (record === null) throw notFound();
        await reply.chargeCredits(`${dataset.name}:${key.kind === 'id' ? key.id : key.shorthand}`);
        reply.type('application/json; charset=utf-8');
        if ('gzip' in record) {
          reply.header('vary', 'accept-encoding');
          if (!fields && acceptsGzip(request.headers['accept-encoding'])) return reply.header('content-encoding', 'gzip').send(record.gzip);
        }
        const json = recordJson(record);
        return reply.send(fields ? projectJson(json, fields) : json);
      },
    });
  });
};
