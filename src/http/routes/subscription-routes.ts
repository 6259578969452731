// Webhook subscriptions (spec §7, §4.6): create (experience changes by ids, ES DSL or all; profile
// changes by ids or ES DSL with tracked_fields), list, details, renew, delete and simulate.
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.js';
import type { DatasetDefinition } from '../../datasets/datasets.js';
import { webhookField, requireObject } from '../../domain/bulk/bulk-input.js';
import { parseSubscription } from '../../domain/subscriptions/subscription-input.js';
import {
  createSubscription, details, listItem, listSubscriptions, ownSubscription, renewSubscription, simulate,
} from '../../domain/subscriptions/subscriptions.js';
import { validationError, type ValidationItem } from '../../errors/catalogue.js';
import type { Store, SubscriptionType } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';
import { principalOf } from '../plugins/auth-plugin.js';
import { errorResponses, securityRequirement } from '../schemas.js';
import { readIdsUpload, uploadLimits } from './ids-upload.js';

export interface SubscriptionRouteOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: Config;
  readonly dataset: DatasetDefinition;
  readonly tag: string;
}

const open = { type: 'object', additionalProperties: true } as const;
const created = { type: 'object', properties: { id: { type: 'string' }, subscription_id: { type: 'string' } } } as const;

const managePrefixes = ['/cdapi/v2/subscriptions', '/cdapi/v1/subscriptions'];

function deps(o: SubscriptionRouteOptions) {
  return { store: o.store, clock: o.clock, config: o.config.subscriptions };
}

/** The create paths of one dataset (its registry entry's `routes.subscriptions`). */
export const subscriptionCreateRoutes: FastifyPluginAsync<SubscriptionRouteOptions> = async (scope, o) => {
  await scope.register(multipart, uploadLimits(o.config.bulk.uploadMaxBytes));
  for (const family of o.dataset.routes.subscriptions ?? []) {
    const type: SubscriptionType = family.type;
    for (const [i, prefix] of family.prefixes.entries()) for (const selection of family.selections) {
      scope.post(`${prefix}/${selection}`, {
        schema: {
          tags: [o.tag],
          hide: i > 0,
          summary: `Subscribe to ${type.replace('_', ' ')} of ${o.dataset.name} ${selection === 'all' ? 'profiles' : selection === 'ids' ? 'listed profiles' : selection === 'filter' ? 'profiles matching filters' : 'profiles matching a query'}`,
          security: securityRequirement,
          response: { 200: { description: 'Subscription created', ...created }, 400: open, ...errorResponses, 422: open },
        },
        handler: async (request: FastifyRequest) => {
          const rules = { maxRecords: o.config.subscriptions.maxIds, now: o.clock.now(), webhookPolicy: o.config.webhooks };
          const upload = request.isMultipart() ? await readIdsUpload(request, o.config.bulk.uploadMaxBytes) : undefined;
          const input = parseSubscription(type, selection, { body: request.body, rawBodyLength: request.rawBodyLength ?? 0, ...(upload ? { upload } : {}) }, o.dataset, rules);
          const s = await createSubscription(deps(o), o.dataset, principalOf(request).id, input);
          return { id: s.id, subscription_id: s.id };
        },
      });
    }
  }
};

export const subscriptionManageRoutes: FastifyPluginAsync<SubscriptionRouteOptions> = async (scope, o) => {
  for (const [i, prefix] of managePrefixes.entries()) {
    const base = { tags: [o.tag], hide: i > 0, security: securityRequirement };
    scope.get<{ Querystring: { expired?: string; page?: string } }>(prefix, {
      schema: {
        ...base,
        summary: 'Your subscriptions: active ones, or expired ones with expired=true; 1,000 per page',
        querystring: { type: 'object', properties: { expired: { type: 'string' }, page: { type: 'string' } } },
        response: { 200: { type: 'array', items: open }, ...errorResponses },
      },
      handler: async (request) => {
        const errors: ValidationItem[] = [];
        const expiredRaw = request.query.expired ?? 'false';
        if (!/^(true|false|1|0)$/i.test(expiredRaw)) errors.push({ loc: ['query', 'expired'], msg: 'value could not be parsed to a boolean', type: 'type_error.bool' });
        const page = Number(request.query.page ?? '1');
        if (!Number.isInteger(page) || page < 1) errors.push({ loc: ['query', 'page'], msg: 'ensure this value is greater than or equal to 1', type: 'value_error.number.not_ge', ctx: { limit_value: 1 } });
        if (errors.length > 0) throw validationError(errors);
        return listSubscriptions(deps(o), principalOf(request).id, /^(true|1)$/i.test(expiredRaw), page);
      },
    });
    scope.get<{ Params: { id: string } }>(`${prefix}/:id`, {
      schema: { ...base, summary: 'One subscription with what it watches', response: { 200: open, ...errorResponses } },
      handler: async (request) => details(await ownSubscription(o.store, principalOf(request).id, request.params.id), o.clock.now()),
    });
    scope.post<{ Params: { id: string } }>(`${prefix}/:id/renew`, {
      schema: { ...base, summary: 'Extend a subscription by its validity period (at most one year from creation)', response: { 200: open, 400: open, ...errorResponses } },
      handler: async (request) => {
        const renewed = await renewSubscription(deps(o), await ownSubscription(o.store, principalOf(request).id, request.params.id));
        return listItem(renewed, o.clock.now());
      },
    });
    scope.delete<{ Params: { id: string } }>(`${prefix}/:id`, {
      schema: { ...base, summary: 'Cancel a subscription', response: { 200: { type: 'object', properties: { detail: { type: 'string' } } }, ...errorResponses } },
      handler: async (request) => {
        const s = await ownSubscription(o.store, principalOf(request).id, request.params.id);
        await o.store.subscriptions.delete(s.id, new Date(o.clock.now()).toISOString());
        return { detail: 'Subscription deleted' };
      },
    });
  }
};

export const subscriptionSimulateRoutes: FastifyPluginAsync<SubscriptionRouteOptions & { onQueued: () => void }> = async (scope, o) => {
  for (const [i, prefix] of managePrefixes.entries()) {
    scope.post(`${prefix}/simulate`, {
      schema: {
        tags: [o.tag], hide: i > 0, security: securityRequirement,
        summary: 'Send one test notification to webhook_url (a single object with change_type)',
        response: { 200: { type: 'object', properties: { message: { type: 'string' } } }, ...errorResponses, 422: open },
      },
      handler: async (request) => {
        const body = requireObject(request.body);
        const url = webhookField(body['webhook_url'], o.config.webhooks, true);
        if (typeof url !== 'string') throw validationError([url as ValidationItem]);
        await simulate(deps(o), principalOf(request).id, url);
        o.onQueued();
        return { message: 'Subscriptions webhook simulation initiated' };
      },
    });
  }
};
