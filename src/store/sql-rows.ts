// Row shapes and their mappers, shared by the SQL stores: both dialects use the same column names,
// so a row read from SQLite or PostgreSQL becomes the same port type here.
import type { CreditPool, LedgerEntry, ApiKeyRecord, DataRequest, DataRequestFile, DataRequestKind, DataRequestState, Delivery, DeliveryState, KeyWithHash, NewDataRequest, Subscription } from './store.js';

export interface KeyRow {
  id: string;
  key_hash: string;
  name: string | null;
  created_at: string;
  revoked_at: string | null;
  rate_limits: string;
  expires_at: string | null;
  datasets: string | null;
}

export function toKeyRecord(row: KeyRow): KeyWithHash {
  return {
    id: row.id,
    keyHash: row.key_hash,
    name: row.name,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    rateLimits: JSON.parse(row.rate_limits) as KeyWithHash['rateLimits'],
    expiresAt: row.expires_at ?? null,
    datasets: row.datasets === null || row.datasets === undefined ? null : JSON.parse(row.datasets) as KeyWithHash['datasets'],
  };
}

export function withoutHash({ keyHash: _hash, ...rest }: KeyWithHash): ApiKeyRecord {
  return rest;
}

export interface DataRequestRow {
  id: string;
  key_id: string;
  api: 'v1' | 'v2';
  dataset: NewDataRequest['dataset'];
  kind: DataRequestKind;
  input: string;
  fingerprint: string;
  webhook_url: string | null;
  lim: number | null;
  state: DataRequestState;
  files: string;
  records: number | null;
  error_status: number | null;
  error_detail: string | null;
  attempts: number;
  created_at: string;
  finished_at: string | null;
}

export function toRequest(r: DataRequestRow): DataRequest {
  return {
    id: r.id, keyId: r.key_id, api: r.api, dataset: r.dataset, kind: r.kind, input: r.input, fingerprint: r.fingerprint,
    webhookUrl: r.webhook_url, limit: r.lim, state: r.state, files: JSON.parse(r.files) as DataRequestFile[],
    records: r.records, errorStatus: r.error_status, errorDetail: r.error_detail, attempts: r.attempts,
    createdAt: r.created_at, finishedAt: r.finished_at,
  };
}

export interface DeliveryRow {
  id: string;
  key_id: string;
  url: string;
  body: string;
  topic: string;
  ref: string | null;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id, keyId: r.key_id, url: r.url, body: r.body, topic: r.topic, ref: r.ref, state: r.state,
    attempts: r.attempts, nextAttemptAt: r.next_attempt_at, lastStatus: r.last_status, lastError: r.last_error,
    createdAt: r.created_at, deliveredAt: r.delivered_at,
  };
}

export interface SubscriptionRow {
  id: string;
  key_id: string;
  type: Subscription['type'];
  selection: Subscription['selection'];
  dataset: Subscription['dataset'];
  query: string | null;
  tracked_fields: string | null;
  webhook_url: string;
  ids_count: number;
  start_seq: number;
  created_at: string;
  expires_at: string;
  deleted_at: string | null;
  last_webhook_sent_at: string | null;
}

export function toSubscription(r: SubscriptionRow): Subscription {
  return {
    id: r.id, keyId: r.key_id, type: r.type, selection: r.selection, dataset: r.dataset, query: r.query,
    trackedFields: r.tracked_fields === null ? null : (JSON.parse(r.tracked_fields) as string[]), webhookUrl: r.webhook_url,
    idsCount: r.ids_count, startSeq: r.start_seq, createdAt: r.created_at, expiresAt: r.expires_at, deletedAt: r.deleted_at,
    lastWebhookSentAt: r.last_webhook_sent_at,
  };
}


export interface LedgerRow {
  seq: number;
  key_id: string;
  pool: CreditPool;
  delta: number;
  balance_after: number;
  reason: string;
  ref: string | null;
  created_at: string;
}

export function toLedgerEntry(r: LedgerRow): LedgerEntry {
  return { seq: r.seq, keyId: r.key_id, pool: r.pool, delta: r.delta, balanceAfter: r.balance_after, reason: r.reason, ref: r.ref, createdAt: r.created_at };
}
