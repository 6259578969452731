// Subscriptions as the API sees them (spec §7): create, list, details, renew, delete, simulate.
import { randomInt, randomUUID } from 'node:crypto';
import type { SubscriptionsConfig } from '../../config/config.js';
import type { DatasetDefinition } from '../../datasets/datasets.js';
import { apiError } from '../../errors/catalogue.js';
import { parseSearchRequest } from '../../query/parse-request.js';
import type { SortValues, Store, Subscription } from '../../store/store.js';
import { isoNow, type Clock } from '../../util/clock.js';
import { detailError } from '../bulk/bulk-input.js';
import type { SubscriptionInput } from './subscription-input.js';

export interface SubscriptionDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: SubscriptionsConfig;
}

const day = 86_400_000;

/** Every id a query matches now, at most `max` (null when there are more). */
async function allMatches(deps: SubscriptionDeps, dataset: DatasetDefinition, request: Readonly<Record<string, unknown>>, max: number): Promise<number[] | null> {
  const search = parseSearchRequest(request, { mapping: dataset.mapping, now: deps.clock.now() });
  const ids: number[] = [];
  let after: SortValues | null = null;
  for (;;) {
    const page = await deps.store.search.search(dataset.name, search, after, 10_000);
    if (page.total > max) return null;
    ids.push(...page.ids);
    if (page.ids.length === 0 || ids.length >= page.total) return ids;
    after = page.values[page.values.length - 1]!;
  }
}

export async function createSubscription(deps: SubscriptionDeps, dataset: DatasetDefinition, keyId: string, input: SubscriptionInput): Promise<Subscription> {
  const now = deps.clock.now();
  // Changes after this point concern the subscription.
  const startSeq = await deps.store.employees.lastChangeSeq(dataset.name);
  let members: readonly number[] = input.ids;
  if (input.selection === 'es_dsl' && input.type === 'profile_changes') {
    // "Started/stopped matching" needs to know who matches now.
    const matches = await allMatches(deps, dataset, input.request!, deps.config.maxIds);
    if (matches === null) throw detailError('SUBSCRIPTION_QUERY_TOO_BROAD', `Query matches too many profiles for a subscription. Maximum is ${deps.config.maxIds.toLocaleString('en-US')}`);
    members = matches;
  }
  const subscription = {
    id: randomUUID(), keyId, type: input.type, selection: input.selection, dataset: dataset.name,
    query: input.request ? JSON.stringify(input.request) : null, trackedFields: input.trackedFields, webhookUrl: input.webhookUrl,
    idsCount: input.ids.length, startSeq, createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + deps.config.validityDays * day).toISOString(),
  };
  if (!(await deps.store.subscriptions.create(subscription, members, deps.config.maxPerKey))) {
    throw detailError('SUBSCRIPTION_LIMIT', `Subscription limit reached: at most ${deps.config.maxPerKey} active subscriptions per key`);
  }
  return { ...subscription, deletedAt: null, lastWebhookSentAt: null };
}

export async function ownSubscription(store: Store, keyId: string, id: string): Promise<Subscription> {
  const found = /^[0-9a-f-]{36}$/i.test(id) ? await store.subscriptions.get(id.toLowerCase()) : null;
  if (!found || found.keyId !== keyId || found.deletedAt !== null) throw apiError('SUBSCRIPTION_NOT_FOUND');
  return found;
}

const date = (iso: string): string => iso.slice(0, 10);

/** The list item (confirmed shape): id, status, created_at, expiring_at as dates. */
export function listItem(s: Subscription, now: number): Record<string, unknown> {
  return { id: s.id, status: Date.parse(s.expiresAt) > now ? 'active' : 'expired', created_at: date(s.createdAt), expiring_at: date(s.expiresAt) };
}

/** Details: the list item plus what the subscription watches and where it reports. */
export function details(s: Subscription, now: number): Record<string, unknown> {
  return {
    ...listItem(s, now),
    type: s.type,
    selection: s.selection,
    webhook_url: s.webhookUrl,
    ...(s.selection === 'es_dsl' ? { es_dsl_query: JSON.parse(s.query!) as unknown } : {}),
    ...(s.selection === 'ids' ? { ids_count: s.idsCount } : {}),
    ...(s.type === 'profile_changes' ? { tracked_fields: s.trackedFields } : {}),
    last_webhook_sent_at: s.lastWebhookSentAt,
  };
}

export const pageSize = 1000;

export async function listSubscriptions(deps: SubscriptionDeps, keyId: string, expired: boolean, page: number): Promise<Record<string, unknown>[]> {
  const now = deps.clock.now();
  const rows = await deps.store.subscriptions.list(keyId, expired, isoNow(deps.clock), (page - 1) * pageSize, pageSize);
  return rows.map((s) => listItem(s, now));
}

/** Renewal: valid for another validity period from now, never past one year from creation. */
export async function renewSubscription(deps: SubscriptionDeps, s: Subscription): Promise<Subscription> {
  const now = deps.clock.now();
  if (Date.parse(s.expiresAt) <= now) throw apiError('SUBSCRIPTION_EXPIRED');
  const until = now + deps.config.validityDays * day;
  if (until > Date.parse(s.createdAt) + deps.config.maxLifetimeDays * day) throw apiError('SUBSCRIPTION_RENEWAL_LIMIT');
  const expiresAt = new Date(until).toISOString();
  await deps.store.subscriptions.setExpiry(s.id, expiresAt);
  return { ...s, expiresAt };
}

const simulatedChanges = ['changed', 'added', 'removed'] as const;

/**
 * The simulation (spec §7.5) reproduces Coresignal's quirk exactly: ONE object, not an array,
 * with `change_type` instead of `status`, randomly changed, added or removed.
 */
export async function simulate(deps: SubscriptionDeps, keyId: string, webhookUrl: string): Promise<void> {
  const sample = await deps.store.employees.sampleIds('employee_clean', 50);
  const memberId = sample.length > 0 ? sample[randomInt(sample.length)]! : randomInt(1, 2 ** 31);
  const body = JSON.stringify({ member_id: memberId, change_type: simulatedChanges[randomInt(simulatedChanges.length)] });
  await deps.store.outbox.enqueue({ id: randomUUID(), keyId, url: webhookUrl, body, topic: 'subscription_simulation', ref: null }, deps.clock.now());
}
