// POST .../search/es_dsl (ids + paging headers) and POST .../search/es_dsl/preview, per dataset,
// with the aliases of spec §4 and §5. Each 200 costs the scope's search credits.
import type { FastifyPluginAsync } from 'fastify';
import type { DatasetDefinition } from '../../datasets/datasets.js';
import { preview } from '../../domain/preview.js';
import { search } from '../../domain/search.js';
import { datasetFiltersToDsl } from '../../domain/v1-filters.js';
import type { SynonymTable } from '../../datasets/synonyms.js';
import { validationError } from '../../errors/catalogue.js';
import { expandTitles, synonymsHeader } from '../../query/semantic-expand.js';
import type { SearchGate } from '../../domain/search-gate.js';
import { principalOf } from '../plugins/auth-plugin.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import { errorResponses, securityRequirement } from '../schemas.js';

export interface SearchRouteOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly dataset: DatasetDefinition;
  /** Paths (below nothing: full paths) that end in `/search/es_dsl`. */
  readonly paths: readonly string[];
  /**
   * search: ES DSL → ids; filter: filter body → ids; preview: ES DSL → preview objects;
   * filterPreview: filter body → preview objects.
   */
  readonly kind: 'search' | 'semanticSearch' | 'filter' | 'preview' | 'filterPreview';
  readonly tag: string;
  /** The job-title synonyms semantic search injects. */
  readonly synonyms: SynonymTable;
  /** Per-key admission to the search threads (domain/search-gate.ts). */
  readonly gate: SearchGate;
}

/** `?threshold=` of semantic search: the least confidence of an injected synonym (default 0.8). */
function thresholdOf(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0.8;
  const n = Number(raw);
  if (!/^\s*[0-9.eE+-]+\s*$/.test(raw) || !Number.isFinite(n) || n < 0 || n > 1) {
    throw validationError([{ loc: ['query', 'threshold'], msg: 'ensure this value is a number between 0 and 1', type: 'value_error.number.not_in_range' }]);
  }
  return n;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Characters of the raw JSON body, for the 15,000-character rule. */
    rawBodyLength?: number;
  }
}

const queryError = { type: 'object', properties: { error: { type: 'string' }, detail: { type: 'string' } } } as const;

export const searchRoutes: FastifyPluginAsync<SearchRouteOptions> = async (scope, { store, clock, dataset, paths, kind, tag, synonyms, gate }) => {
  const deps = { store, clock };
  const titleFields = new Set(dataset.semanticTitleFields ?? []);
  const byFilter = kind === 'filter' || kind === 'filterPreview';
  const isPreview = kind === 'preview' || kind === 'filterPreview';
  paths.forEach((path, i) => {
    scope.post<{ Querystring: Record<string, string | undefined>; Body: unknown }>(path, {
      schema: {
        tags: [tag],
        hide: i > 0,
        summary: kind === 'search' ? `Search ${dataset.name} with Elasticsearch DSL; returns ids`
          : kind === 'semanticSearch' ? `Search ${dataset.name} with Elasticsearch DSL, job titles widened with their synonyms (x-semantic-synonyms lists them); returns ids`
          : kind === 'filter' ? `Search ${dataset.name} with search filters; returns ids`
          : `Preview the best ${dataset.name} matches of ${byFilter ? 'search filters' : 'an Elasticsearch DSL query'} (20 per page)`,
        security: securityRequirement,
        querystring: {
          type: 'object',
          properties: !isPreview
            ? {
              after: { type: 'string', description: 'x-next-page-after of the previous page' },
              items_per_page: { type: 'string', description: '1..1000, default 1000' },
              ...(kind === 'semanticSearch' ? { threshold: { type: 'string', description: 'least confidence of an injected synonym, 0..1, default 0.8' } } : {}),
            }
            : { page: { type: 'string', description: '1-based page of 20' } },
        },
        body: { description: byFilter ? 'Search filters (spec §4.1), combined with AND' : 'Elasticsearch search request: query and optional sort' },
        response: {
          200: !isPreview
            ? { description: 'Matching ids', type: 'array', items: { type: 'integer' } }
            : { description: 'Preview objects', type: 'array', items: { type: 'object', additionalProperties: true } },
          400: { description: 'Invalid query', ...queryError },
          ...errorResponses,
        },
      },
      handler: async (request, reply) => {
        const rawBodyLength = request.rawBodyLength ?? 0;
        let body = byFilter ? datasetFiltersToDsl(request.body, dataset) : request.body;
        const semantic = kind === 'semanticSearch' ? expandTitles(body, titleFields, synonyms, thresholdOf(request.query['threshold'])) : null;
        if (semantic) body = semantic.request;
        const key = principalOf(request).id;
        if (!isPreview) {
          const result = await gate.run(key, (budgetMs) => search(deps, dataset, { body, rawBodyLength, after: request.query['after'], itemsPerPage: request.query['items_per_page'], budgetMs }));
          await reply.chargeCredits(`${dataset.name}:search`);
          if (semantic) reply.header('x-semantic-synonyms', synonymsHeader(semantic.injected));
          return reply.headers(result.headers).type('application/json; charset=utf-8').send(JSON.stringify(result.ids));
        }
        const { objects, total } = await gate.run(key, (budgetMs) => preview(deps, dataset, { body, rawBodyLength, page: request.query['page'], budgetMs }));
        await reply.chargeCredits(`${dataset.name}:preview`);
        return reply.header('x-total-results', String(total)).type('application/json; charset=utf-8').send(JSON.stringify(objects));
      },
    });
  });
};
