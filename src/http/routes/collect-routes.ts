// GET .../collect/{id | shorthand name | profile URL} for both datasets, with the aliases of
// spec §4 and §5. The record is sent as stored, so the hot path never re-serialises: a record
// the store keeps gzip-compressed goes out as it is (`Content-Encoding: gzip`) to a client that
// accepts gzip, and inflated to one that does not.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { shorthandFromProfileUrl, type DatasetDefinition } from '../../datasets/datasets.js';
import { acceptsGzip, findRecord, parseCollectKey, parseFields, projectJson, type CollectKey } from '../../domain/collect.js';
import { recordJson } from '../../store/stored-record.js';
import { ApiError, validationError } from '../../errors/catalogue.js';
import type { Store } from '../../store/store.js';
import { errorResponses, securityRequirement } from '../schemas.js';

export interface CollectRouteOptions {
  readonly store: Store;
  readonly dataset: DatasetDefinition;
  /** Path prefixes (below /cdapi) that end in `/collect`. */
  readonly prefixes: readonly string[];
  /** Whether `{key}` may be a full profile URL (Clean v2 only). */
  readonly urlSegment: 'in' | 'company' | null;
  /** Paths of `GET ...?social_url=<profile URL>` (enrich), answered like a collect by that URL. */
  readonly enrich: readonly string[];
  readonly tag: string;
}

interface CollectRequest {
  Params: { '*': string };
  Querystring: { fields?: string[] };
}

interface EnrichRequest {
  Querystring: { social_url?: string; fields?: string[] };
}

export const collectRoutes: FastifyPluginAsync<CollectRouteOptions> = async (scope, { store, dataset, prefixes, urlSegment, enrich, tag }) => {
  const notFound = (): ApiError => new ApiError(dataset.notFound);
  /** Sends the record of `key` (or the 404), charging the scope's cost. */
  const answer = async (request: FastifyRequest, reply: FastifyReply, key: CollectKey | null, rawFields: string[] | undefined): Promise<FastifyReply> => {
    const fields = parseFields(dataset, rawFields);
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
  };
  const fieldsQuery = { fields: { type: 'array', items: { type: 'string' }, description: 'Top-level fields to return (repeat or comma-separate)' } } as const;
  const responses = { 200: { description: `The ${dataset.name} record`, type: 'object', additionalProperties: true }, ...errorResponses } as const;
  prefixes.forEach((prefix, i) => {
    scope.get<CollectRequest>(`${prefix}/*`, {
      schema: {
        tags: [tag],
        hide: i > 0,
        summary: `Collect one ${dataset.name} record by id, shorthand name${urlSegment ? ' or URL-encoded profile URL' : ''}`,
        security: securityRequirement,
        params: { type: 'object', properties: { '*': { type: 'string', description: 'id | shorthand name' + (urlSegment ? ' | profile URL' : '') } } },
        querystring: { type: 'object', properties: fieldsQuery },
        response: responses,
      },
      handler: (request, reply) => answer(request, reply, parseCollectKey(request.params['*'], urlSegment), request.query.fields),
    });
  });
  for (const path of enrich) {
    scope.get<EnrichRequest>(path, {
      schema: {
        tags: [tag],
        summary: `Enrich: the ${dataset.name} record of a profile URL`,
        security: securityRequirement,
        querystring: { type: 'object', properties: { social_url: { type: 'string', description: 'Profile URL, with or without scheme, www, trailing slash or query' }, ...fieldsQuery } },
        response: responses,
      },
      handler: (request, reply) => {
        const url = request.query.social_url;
        if (url === undefined || url.trim() === '') throw validationError([{ loc: ['query', 'social_url'], msg: 'field required', type: 'value_error.missing' }]);
        const shorthand = shorthandFromProfileUrl(url.trim());
        return answer(request, reply, shorthand ? { kind: 'shorthand', shorthand } : null, request.query.fields);
      },
    });
  }
};
