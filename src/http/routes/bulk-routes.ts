// Bulk Collect (spec §4.5, §6): POST a data request (ids file or list, ES DSL, v1 filters,
// shorthand names, profile URLs) → 201 {request_id}; GET its files list and each gzip part file.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.js';
import type { BulkKind, DatasetDefinition } from '../../datasets/datasets.js';
import * as inputs from '../../domain/bulk/bulk-input.js';
import { createDataRequest, filesAnswer, ownRequest, requestFile, requestPrefix } from '../../domain/bulk/data-requests.js';
import { apiError } from '../../errors/catalogue.js';
import type { FileStore } from '../../files/file-store.js';
import type { Store } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import { principalOf } from '../plugins/auth-plugin.js';
import { errorResponses, securityRequirement } from '../schemas.js';
import { sendFileRange } from './file-download.js';
import { readIdsUpload, uploadLimits } from './ids-upload.js';

export type { BulkKind } from '../../datasets/datasets.js';

export interface BulkCreateOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: Config;
  readonly dataset: DatasetDefinition;
  readonly api: 'v1' | 'v2';
  /** Full paths ending in the kind, e.g. `/cdapi/v2/data_requests/employee_clean` + `/es_dsl`. */
  readonly prefixes: readonly string[];
  readonly kinds: readonly BulkKind[];
  readonly tag: string;
  readonly onCreated: () => void;
}

const createdSchema = { type: 'object', properties: { request_id: { type: 'string', format: 'uuid' } }, required: ['request_id'] } as const;
const detailSchema = { type: 'object', properties: { detail: { type: 'string' } } } as const;

/** The multipart `ids_file` form: the file plus optional text fields (webhook_url, limit, data_format). */
async function idsFromUpload(request: FastifyRequest, config: Config, rules: inputs.InputRules): Promise<inputs.BulkInput> {
  const { file, fields } = await readIdsUpload(request, config.bulk.uploadMaxBytes);
  if (file === null) throw inputs.detailError('BULK_INVALID_FILE', "No file uploaded: send it in the multipart field 'ids_file'");
  return { kind: 'ids', input: inputs.idsFromFile(file, rules), ...inputs.commonFields(fields, rules) };
}

export const bulkCreateRoutes: FastifyPluginAsync<BulkCreateOptions> = async (scope, options) => {
  const { store, clock, config, dataset, api, prefixes, kinds, tag, onCreated } = options;
  await scope.register(multipart, uploadLimits(config.bulk.uploadMaxBytes));
  const parse = async (kind: BulkKind, request: FastifyRequest): Promise<inputs.BulkInput> => {
    const rules = { maxRecords: config.bulk.maxRecords, now: clock.now(), webhookPolicy: config.webhooks };
    const raw = request.rawBodyLength ?? 0;
    switch (kind) {
      case 'id_file':
        return request.isMultipart() ? idsFromUpload(request, config, rules) : inputs.idsFromJson(request.body, rules);
      case 'es_dsl':
        return inputs.esDsl(request.body, raw, dataset, rules);
      case 'filter':
        return inputs.filters(request.body, raw, dataset, rules);
      case 'shorthand_names':
        return inputs.shorthandNames(request.body, rules);
      case 'urls':
        return inputs.profileUrls(request.body, rules);
    }
  };
  for (const kind of kinds) {
    prefixes.forEach((prefix, i) => {
      const paths = kind === 'id_file' ? [`${prefix}/id_file`, `${prefix}/ids`] : [`${prefix}/${kind}`];
      for (const path of paths) {
        scope.post(path, {
          schema: {
            tags: [tag],
            hide: i > 0 || path.endsWith('/ids'),
            summary: `Bulk collect ${dataset.name} by ${kind.replace('_', ' ')}`,
            security: securityRequirement,
            consumes: kind === 'id_file' ? ['multipart/form-data', 'application/json'] : ['application/json'],
            response: {
              201: { description: 'Data request accepted', ...createdSchema },
              400: { description: 'Bad file, too many ids or an invalid query', type: 'object', additionalProperties: true },
              409: { description: 'Identical data request is already in progress', ...detailSchema },
              ...errorResponses,
              422: { description: 'Invalid body (FastAPI list), duplicates or unparseable names/URLs (`detail` text)', type: 'object', additionalProperties: true },
            },
          },
          handler: async (request, reply) => {
            const input = await parse(kind, request);
            const keyId = principalOf(request).id;
            const id = await createDataRequest({ store, clock }, { ...input, keyId, api, dataset: dataset.name });
            onCreated();
            const location = api === 'v2' ? `/v2/data_requests/${id}/files` : `/v1/bulk_collect/${id}/files`;
            const remaining = await store.credits.balance(keyId, 'collect');
            return reply.code(201).headers({ location, 'x-credits-remaining': String(remaining) }).send({ request_id: id });
          },
        });
      }
    });
  }
};

export interface BulkFilesOptions {
  readonly store: Store;
  readonly files: FileStore;
  readonly clock: Clock;
  readonly config: Config;
  /** `/cdapi/v2/data_requests` or `/cdapi/v1/bulk_collect`. */
  readonly base: string;
  readonly tag: string;
}

/** `json%2Fpart-...` and `json/part-...` name the same file. */
export function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export const bulkFilesRoutes: FastifyPluginAsync<BulkFilesOptions> = async (scope, { store, files, clock, config, base, tag }) => {
  /** A finished request past its retention answers 404 and loses its files at once. */
  const load = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const found = await ownRequest(store, principalOf(request).id, request.params.id);
    const cutoff = new Date(clock.now() - config.bulk.retentionDays * 86_400_000).toISOString();
    if (found.finishedAt !== null && found.finishedAt < cutoff && found.state !== 'expired') {
      for (const r of await store.dataRequests.expire(cutoff)) await files.removeAll(requestPrefix(r.id));
      throw apiError('DATA_REQUEST_EXPIRED');
    }
    return found;
  };
  scope.get<{ Params: { id: string } }>(`${base}/:id/files`, {
    schema: {
      tags: [tag],
      summary: 'Files of a data request: 202 while processing, 200 with the names when ready',
      security: securityRequirement,
      response: {
        200: { description: 'Ready', type: 'object', properties: { data_request_files: { type: 'array', items: { type: 'string' } } } },
        202: { description: 'Still processing', type: 'object', properties: { data_request_files: { type: 'array', items: { type: 'string' } } } },
        ...errorResponses,
        422: { description: 'The request matched more records than the cap', ...detailSchema },
      },
    },
    handler: async (request, reply) => {
      const answer = filesAnswer(await load(request));
      const remaining = await store.credits.balance(principalOf(request).id, 'collect');
      return reply.code(answer.status).header('x-credits-remaining', String(remaining)).send({ data_request_files: answer.files });
    },
  });
  scope.get<{ Params: { id: string; '*': string } }>(`${base}/:id/files/*`, {
    schema: { tags: [tag], summary: 'Download one part file (gzip JSON Lines); honours Range', security: securityRequirement },
    handler: async (request, reply: FastifyReply) => {
      const found = await load(request);
      const file = requestFile(found, safeDecode(request.params['*']));
      return sendFileRange(request, reply, files, `${requestPrefix(found.id)}/${file.name}`, file);
    },
  });
};
