// POST .../map/ids (spec current/ §5.4): v1 member ids → the dataset's ids. Rollcall keeps one id
// per person across its datasets, so an id maps to itself when the dataset holds that person,
// and is unmapped otherwise. Free of credits (the spec leaves the price unconfirmed).
import type { FastifyPluginAsync } from 'fastify';
import type { DatasetDefinition } from '../../datasets/datasets.js';
import { ApiError, validationError } from '../../errors/catalogue.js';
import type { Store } from '../../store/store.js';
import { errorResponses, securityRequirement } from '../schemas.js';

export interface MapIdsRouteOptions {
  readonly store: Store;
  readonly dataset: DatasetDefinition;
  readonly paths: readonly string[];
  readonly tag: string;
}

const maxIds = 10_000;

function idsOf(body: unknown): number[] {
  if (!Array.isArray(body)) throw validationError([{ loc: ['body'], msg: 'value is not a valid list', type: 'type_error.list' }]);
  const bad = body.flatMap((v, i) => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? [] : [{ loc: ['body', i], msg: 'value is not a valid integer', type: 'type_error.integer' }]));
  if (bad.length > 0) throw validationError(bad.slice(0, 20));
  if (body.length > maxIds) throw new ApiError('REQUEST_VALIDATION', { body: { detail: 'Maximum is 10,000 IDs' } });
  return body as number[];
}

export const mapIdsRoutes: FastifyPluginAsync<MapIdsRouteOptions> = async (scope, { store, dataset, paths, tag }) => {
  paths.forEach((path, i) => {
    scope.post<{ Body: unknown }>(path, {
      schema: {
        tags: [tag], hide: i > 0, security: securityRequirement,
        summary: `Map v1 member ids to ${dataset.name} ids (at most 10,000, free)`,
        body: { description: 'A JSON array of integer ids' },
        response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses, 422: { type: 'object', additionalProperties: true } },
      },
      handler: async (request) => {
        const ids = idsOf(request.body);
        const unique = [...new Set(ids)];
        const held = await store.employees.getManyRaw(dataset.name, unique);
        const mapped: Record<string, number> = {};
        const unmapped: number[] = [];
        unique.forEach((id, j) => {
          if (held[j] !== null) mapped[String(id)] = id;
          else unmapped.push(id);
        });
        return {
          total_id_count: unique.length,
          mapped_id_count: unique.length - unmapped.length,
          unmapped_id_count: unmapped.length,
          mapped_ids: mapped,
          unmapped_ids: unmapped,
        };
      },
    });
  });
};
