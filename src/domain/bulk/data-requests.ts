// Data requests as the API sees them: create one (with the duplicate rule), and answer the files
// list and downloads from its stored state.
import { createHash, randomUUID } from 'node:crypto';
import type { DatasetName } from '../../datasets/datasets.js';
import { ApiError, apiError } from '../../errors/catalogue.js';
import type { DataRequest, DataRequestFile, Store } from '../../store/store.js';
import { isoNow, type Clock } from '../../util/clock.js';
import type { BulkInput } from './bulk-input.js';
import { detailError } from './bulk-input.js';

export interface CreateInput extends BulkInput {
  readonly keyId: string;
  readonly api: 'v1' | 'v2';
  readonly dataset: DatasetName;
}

/** JSON with sorted keys, so two bodies that differ only in key order are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The duplicate-rule identity (spec §2.7): key, endpoint (api, dataset, kind) and the normalized
 * body — ids or names in order, the query, `limit` and `webhook_url` (the spec recommends the
 * latter take part; unconfirmed).
 */
export function fingerprint(input: CreateInput): string {
  const identity = canonicalJson([input.keyId, input.api, input.dataset, input.kind, input.input, input.limit, input.webhookUrl]);
  return createHash('sha256').update(identity).digest('hex');
}

export async function createDataRequest(deps: { store: Store; clock: Clock }, input: CreateInput): Promise<string> {
  const id = randomUUID();
  const created = await deps.store.dataRequests.create({
    id, keyId: input.keyId, api: input.api, dataset: input.dataset, kind: input.kind,
    input: JSON.stringify(input.input), fingerprint: fingerprint(input), webhookUrl: input.webhookUrl,
    limit: input.limit, createdAt: isoNow(deps.clock),
  });
  if (!created) throw apiError('DATA_REQUEST_DUPLICATE');
  return id;
}

/** A request this key may see; another key's request is indistinguishable from a missing one. */
export async function ownRequest(store: Store, keyId: string, id: string): Promise<DataRequest> {
  const request = /^[0-9a-f-]{36}$/i.test(id) ? await store.dataRequests.get(id.toLowerCase()) : null;
  if (!request || request.keyId !== keyId) throw apiError('DATA_REQUEST_NOT_FOUND');
  return request;
}

export type FilesAnswer = { readonly status: 200 | 202; readonly files: readonly string[] };

/** GET .../files: 202 while queued or running, 200 with the names when done, else its error. */
export function filesAnswer(request: DataRequest): FilesAnswer {
  switch (request.state) {
    case 'queued':
    case 'running':
      return { status: 202, files: [] };
    case 'completed':
      return { status: 200, files: request.files.map((f) => f.name) };
    case 'empty':
      throw apiError('DATA_REQUEST_NO_MATCHES');
    case 'expired':
      throw apiError('DATA_REQUEST_EXPIRED');
    case 'failed':
      throw failure(request);
  }
}

function failure(request: DataRequest): ApiError {
  switch (request.errorStatus) {
    case 402:
      return apiError('CREDITS_INSUFFICIENT');
    case 422:
      return detailError('DATA_REQUEST_TOO_MANY_MATCHES', request.errorDetail ?? 'Request matched too many IDs');
    default:
      return apiError('DATA_REQUEST_FAILED');
  }
}

/** The file of a completed request by its listed name (never a path built from the request). */
export function requestFile(request: DataRequest, name: string): DataRequestFile {
  filesAnswer(request);
  if (request.state !== 'completed') throw apiError('FILE_NOT_FOUND');
  const file = request.files.find((f) => f.name === name);
  if (!file) throw apiError('FILE_NOT_FOUND');
  return file;
}

/** Where a request's files live in the file store. */
export function requestPrefix(id: string): string {
  return `data_requests/${id}`;
}
