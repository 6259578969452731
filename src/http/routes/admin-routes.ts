// The admin API (/admin/v1): keys, credits, usage, and data requests and subscriptions across
// keys. Registered in a scope that authenticates admin tokens (admin-auth-plugin.ts). The CLI's
// `keys` and `credits` commands call the same domain functions (domain/keys.ts).
import type { FastifyPluginAsync } from 'fastify';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parseRateLimit, rateLimitGroups, ConfigError, type Config, type RateLimit, type RateLimitGroup } from '../../config/config.js';
import { datasetNames, type DatasetName } from '../../datasets/datasets.js';
import { adjustCredits, createKey, getKey, listKeys, revokeKey, updateKey, type KeyDeps, type KeySummary } from '../../domain/keys.js';
import { apiError, validationError } from '../../errors/catalogue.js';
import type { UsageRecorder } from '../../operate/usage-recorder.js';
import type { FileStore } from '../../files/file-store.js';
import { requestFile, requestPrefix } from '../../domain/bulk/data-requests.js';
import { sendFileRange } from './file-download.js';
import { safeDecode } from './bulk-routes.js';
import type { CreditPool, DataRequest, DeliveryAttempt, KeyChanges, Subscription, UsageGrouping } from '../../store/store.js';
import { isoNow } from '../../util/clock.js';

export interface AdminOptions extends KeyDeps {
  readonly config: Config;
  readonly usage: UsageRecorder;
  readonly files: FileStore;
}

const tags = ['Admin API'];
const security = [{ adminToken: [] }];

const rateText = (r: RateLimit): string => (r.limit === 0 ? '0' : `${r.limit}/${r.windowMs >= 60_000 ? 'min' : 's'}`);

function keyJson(k: KeySummary): Record<string, unknown> {
  return {
    id: k.id,
    name: k.name,
    created_at: k.createdAt,
    revoked_at: k.revokedAt,
    expires_at: k.expiresAt,
    datasets: k.datasets,
    rate_limits: Object.fromEntries(Object.entries(k.rateLimits).map(([g, r]) => [g, rateText(r as RateLimit)])),
    balances: k.balances,
  };
}

const keySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: ['string', 'null'] },
    created_at: { type: 'string' },
    revoked_at: { type: ['string', 'null'] },
    expires_at: { type: ['string', 'null'] },
    datasets: { type: ['array', 'null'], items: { type: 'string' } },
    rate_limits: { type: 'object', additionalProperties: { type: 'string' } },
    balances: { type: 'object', properties: { search: { type: 'integer' }, collect: { type: 'integer' } } },
  },
} as const;

const rateLimitsInput = {
  type: 'object',
  description: 'Per-group limits overriding the server defaults: "N/s", "N/min" or "0" (unlimited).',
  properties: Object.fromEntries(rateLimitGroups.map((g) => [g, { type: 'string' }])),
  additionalProperties: false,
} as const;

const keyChangesInput = {
  name: { type: ['string', 'null'], maxLength: 200 },
  rate_limits: rateLimitsInput,
  datasets: { anyOf: [{ type: 'array', items: { type: 'string', enum: [...datasetNames] }, uniqueItems: true }, { type: 'null' }] },
  expires_at: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
} as const;

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] } as const;

interface KeyChangesBody {
  name?: string | null;
  rate_limits?: Partial<Record<RateLimitGroup, string>>;
  datasets?: DatasetName[] | null;
  expires_at?: string | null;
}

/** The body's changes in the store's terms; a malformed rate is a 422 naming the field. */
function changesOf(body: KeyChangesBody): KeyChanges {
  let rateLimits: Partial<Record<RateLimitGroup, RateLimit>> | undefined;
  if (body.rate_limits !== undefined) {
    rateLimits = {};
    for (const [group, raw] of Object.entries(body.rate_limits) as [RateLimitGroup, string][]) {
      try {
        rateLimits[group] = parseRateLimit(raw, group);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        throw validationError([{ loc: ['body', 'rate_limits', group], msg: 'expected N, N/s or N/min', type: 'value_error' }]);
      }
    }
  }
  return {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(rateLimits !== undefined ? { rateLimits } : {}),
    ...(body.datasets !== undefined ? { datasets: body.datasets } : {}),
    ...(body.expires_at !== undefined ? { expiresAt: body.expires_at === null ? null : new Date(body.expires_at).toISOString() } : {}),
  };
}

function attemptsJson(list: readonly DeliveryAttempt[] | undefined): Record<string, unknown>[] {
  return (list ?? []).map((d) => ({
    id: d.id, state: d.state, attempts: d.attempts, last_status: d.lastStatus, last_error: d.lastError, created_at: d.createdAt, delivered_at: d.deliveredAt,
  }));
}

const deliveriesSchema = { type: 'array', items: { type: 'object', additionalProperties: true } } as const;

function requestJson(r: DataRequest, deliveries: readonly DeliveryAttempt[] | undefined): Record<string, unknown> {
  return {
    id: r.id, key_id: r.keyId, api: r.api, dataset: r.dataset, kind: r.kind, state: r.state, limit: r.limit, records: r.records,
    files: r.files.length, bytes: r.files.reduce((n, f) => n + f.bytes, 0), attempts: r.attempts,
    error: r.errorStatus === null ? null : { status: r.errorStatus, detail: r.errorDetail },
    webhook_url: r.webhookUrl, created_at: r.createdAt, finished_at: r.finishedAt, deliveries: attemptsJson(deliveries),
  };
}

function subscriptionJson(s: Subscription, deliveries: readonly DeliveryAttempt[] | undefined): Record<string, unknown> {
  return {
    id: s.id, key_id: s.keyId, type: s.type, selection: s.selection, dataset: s.dataset, ids_count: s.idsCount, webhook_url: s.webhookUrl,
    created_at: s.createdAt, expires_at: s.expiresAt, deleted_at: s.deletedAt, last_webhook_sent_at: s.lastWebhookSentAt, deliveries: attemptsJson(deliveries),
  };
}

function instant(raw: string | undefined, fallback: number, field: string): string {
  if (raw === undefined) return new Date(fallback).toISOString();
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw validationError([{ loc: ['query', field], msg: 'expected an ISO 8601 date or date-time', type: 'value_error.datetime' }]);
  return new Date(t).toISOString();
}

/**
 * The admin API refuses unknown fields instead of dropping them as the Coresignal routes do (a
 * misspelt `expires_at` must not make a key that never expires): its own validator, without
 * `removeAdditional`.
 */
const strict = new Ajv({ removeAdditional: false, useDefaults: true, coerceTypes: 'array', allErrors: false });
addFormats.default(strict);

export const adminRoutes: FastifyPluginAsync<AdminOptions> = async (scope, deps) => {
  const { store, clock } = deps;
  scope.setValidatorCompiler(({ schema }) => strict.compile(schema));
  const listQuery = { key: { type: 'string', maxLength: 100 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } as const;

  scope.get('/admin/v1/keys', {
    schema: { tags, security, summary: 'List API keys with their balances', response: { 200: { type: 'object', properties: { keys: { type: 'array', items: keySchema } } } } },
    handler: async () => ({ keys: (await listKeys(deps)).map(keyJson) }),
  });

  scope.post<{ Body: KeyChangesBody & { search_credits?: number; collect_credits?: number } }>('/admin/v1/keys', {
    schema: {
      tags, security, summary: 'Create an API key (the key is in this answer only)',
      body: {
        type: 'object', additionalProperties: false,
        properties: { ...keyChangesInput, search_credits: { type: 'integer', minimum: 0, default: 0 }, collect_credits: { type: 'integer', minimum: 0, default: 0 } },
      },
      response: { 201: { type: 'object', properties: { key: keySchema, api_key: { type: 'string' }, jwt: { type: 'string' } } } },
    },
    handler: async (request, reply) => {
      const changes = changesOf(request.body);
      const created = await createKey(deps, {
        name: changes.name ?? null,
        searchCredits: request.body.search_credits ?? 0,
        collectCredits: request.body.collect_credits ?? 0,
        ...(changes.rateLimits ? { rateLimits: changes.rateLimits } : {}),
        expiresAt: changes.expiresAt ?? null,
        datasets: changes.datasets ?? null,
      });
      const key = await getKey(deps, created.key_id);
      return reply.code(201).send({ key: keyJson(key!), api_key: created.api_key, jwt: created.jwt });
    },
  });

  scope.get<{ Params: { id: string } }>('/admin/v1/keys/:id', {
    schema: { tags, security, summary: 'One API key', params: idParams, response: { 200: keySchema } },
    handler: async (request) => {
      const key = await getKey(deps, request.params.id);
      if (!key) throw apiError('ADMIN_KEY_NOT_FOUND');
      return keyJson(key);
    },
  });

  scope.patch<{ Params: { id: string }; Body: KeyChangesBody }>('/admin/v1/keys/:id', {
    schema: { tags, security, summary: 'Change a key: name, rate limits, datasets, expiry', params: idParams, body: { type: 'object', additionalProperties: false, properties: keyChangesInput }, response: { 200: keySchema } },
    handler: async (request) => {
      const key = await updateKey(deps, request.params.id, changesOf(request.body));
      if (!key) throw apiError('ADMIN_KEY_NOT_FOUND');
      return keyJson(key);
    },
  });

  scope.delete<{ Params: { id: string } }>('/admin/v1/keys/:id', {
    schema: { tags, security, summary: 'Revoke a key (it stops authenticating within ROLLCALL_AUTH_CACHE_MS)', params: idParams, response: { 200: keySchema } },
    handler: async (request) => {
      await revokeKey(deps, request.params.id);
      const key = await getKey(deps, request.params.id);
      if (!key) throw apiError('ADMIN_KEY_NOT_FOUND');
      return keyJson(key);
    },
  });

  scope.post<{ Params: { id: string }; Body: { pool: CreditPool; amount: number; reason: string } }>('/admin/v1/keys/:id/credits', {
    schema: {
      tags, security, summary: 'Grant (amount > 0) or remove (amount < 0) credits, with a reason kept in the ledger',
      params: idParams,
      body: {
        type: 'object', additionalProperties: false, required: ['pool', 'amount', 'reason'],
        properties: { pool: { type: 'string', enum: ['search', 'collect'] }, amount: { type: 'integer', not: { const: 0 }, minimum: -1e12, maximum: 1e12 }, reason: { type: 'string', minLength: 1, maxLength: 500 } },
      },
      response: { 200: { type: 'object', properties: { pool: { type: 'string' }, balance: { type: 'integer' } } } },
    },
    handler: async (request) => {
      const { pool, amount, reason } = request.body;
      const result = await adjustCredits(deps, request.params.id, pool, amount, `admin: ${reason}`);
      if (result === 'no-key') throw apiError('ADMIN_KEY_NOT_FOUND');
      if (result === 'short') throw apiError('ADMIN_CREDITS_SHORT');
      return { pool, balance: result.balance };
    },
  });

  scope.get<{ Params: { id: string } }>('/admin/v1/keys/:id/ledger', {
    schema: { tags, security, summary: "A key's credit ledger, oldest first", params: idParams },
    handler: async (request) => {
      if (!(await store.keys.findById(request.params.id))) throw apiError('ADMIN_KEY_NOT_FOUND');
      const entries = await store.credits.ledger(request.params.id);
      return { entries: entries.map((e) => ({ seq: e.seq, pool: e.pool, delta: e.delta, balance_after: e.balanceAfter, reason: e.reason, ref: e.ref, created_at: e.createdAt })) };
    },
  });

  scope.get<{ Querystring: { key?: string; from?: string; to?: string; group_by: UsageGrouping } }>('/admin/v1/usage', {
    schema: {
      tags, security,
      summary: 'Requests (by status) and credits, per hour, day or endpoint; `from` defaults to 24 hours ago, `to` to now',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { key: { type: 'string', maxLength: 100 }, from: { type: 'string', maxLength: 40 }, to: { type: 'string', maxLength: 40 }, group_by: { type: 'string', enum: ['day', 'hour', 'endpoint'], default: 'day' } },
      },
    },
    handler: async (request) => {
      const now = clock.now();
      const filter = { keyId: request.query.key ?? null, from: instant(request.query.from, now - 86_400_000, 'from'), to: instant(request.query.to, now + 1000, 'to') };
      const groupBy = request.query.group_by;
      // This node's latest counts first, so a request just answered is in the report.
      await deps.usage.flush();
      const [rows, credits] = await Promise.all([store.usage.requests(filter, groupBy), store.usage.credits(filter, groupBy)]);
      const buckets = new Map<string, { bucket: string; requests: number; errors: number; statuses: Record<string, number> }>();
      for (const r of rows) {
        const b = buckets.get(r.bucket) ?? { bucket: r.bucket, requests: 0, errors: 0, statuses: {} };
        b.requests += r.requests;
        if (r.status >= 400) b.errors += r.requests;
        b.statuses[String(r.status)] = (b.statuses[String(r.status)] ?? 0) + r.requests;
        buckets.set(r.bucket, b);
      }
      const list = [...buckets.values()];
      const spent = { search: 0, collect: 0 };
      for (const c of credits) spent[c.pool] += c.spent;
      return {
        key: filter.keyId, from: filter.from, to: filter.to, group_by: groupBy,
        requests: list,
        credits: credits.map((c) => ({ bucket: c.bucket, pool: c.pool, spent: c.spent, granted: c.granted })),
        totals: { requests: list.reduce((n, b) => n + b.requests, 0), errors: list.reduce((n, b) => n + b.errors, 0), credits_spent: spent },
      };
    },
  });

  scope.get<{ Querystring: { key?: string; state?: DataRequest['state']; limit: number } }>('/admin/v1/data_requests', {
    schema: {
      tags, security, summary: 'Bulk data requests of every key, newest first, with their webhook deliveries',
      querystring: { type: 'object', additionalProperties: false, properties: { ...listQuery, state: { type: 'string', enum: ['queued', 'running', 'completed', 'empty', 'failed', 'expired'] } } },
      response: { 200: { type: 'object', properties: { data_requests: { type: 'array', items: { type: 'object', additionalProperties: true, properties: { deliveries: deliveriesSchema } } } } } },
    },
    handler: async (request) => {
      const list = await store.overview.dataRequests({ keyId: request.query.key ?? null, state: request.query.state ?? null, limit: request.query.limit });
      const deliveries = await store.overview.deliveries(list.map((r) => r.id));
      return { data_requests: list.map((r) => requestJson(r, deliveries.get(r.id))) };
    },
  });

  const finished = async (id: string): Promise<DataRequest> => {
    const found = await store.dataRequests.get(id);
    if (!found) throw apiError('DATA_REQUEST_NOT_FOUND');
    if (found.state === 'expired') throw apiError('DATA_REQUEST_EXPIRED');
    return found;
  };

  scope.get<{ Params: { id: string } }>('/admin/v1/data_requests/:id/files', {
    schema: { tags, security, summary: "A data request's part files, whatever key made it", params: idParams },
    handler: async (request) => ({ files: (await finished(request.params.id)).files.map((f) => f.name) }),
  });

  scope.get<{ Params: { id: string; '*': string } }>('/admin/v1/data_requests/:id/files/*', {
    schema: { tags, security, summary: 'Download one part file of any data request (gzip JSON Lines); honours Range' },
    handler: async (request, reply) => {
      const found = await finished(request.params.id);
      const file = requestFile(found, safeDecode(request.params['*']));
      return sendFileRange(request, reply, deps.files, `${requestPrefix(found.id)}/${file.name}`, file);
    },
  });

  scope.get<{ Querystring: { key?: string; limit: number } }>('/admin/v1/subscriptions', {
    schema: {
      tags, security, summary: 'Webhook subscriptions of every key, newest first, with their deliveries',
      querystring: { type: 'object', additionalProperties: false, properties: listQuery },
      response: { 200: { type: 'object', properties: { subscriptions: { type: 'array', items: { type: 'object', additionalProperties: true, properties: { deliveries: deliveriesSchema } } } } } },
    },
    handler: async (request) => {
      const list = await store.overview.subscriptions({ keyId: request.query.key ?? null, limit: request.query.limit });
      const deliveries = await store.overview.deliveries(list.map((s) => s.id));
      return { subscriptions: list.map((s) => subscriptionJson(s, deliveries.get(s.id))) };
    },
  });

  scope.get('/admin/v1/whoami', {
    schema: { tags, security, summary: 'The admin token this request authenticated with (the console signs in with it)' },
    handler: async (request) => ({ id: request.admin!.id, name: request.admin!.name, created_at: request.admin!.createdAt, now: isoNow(clock) }),
  });
};
