// The store port: everything the domain needs from a database. Routes and domain code see only
// this interface; `sqlite/` implements it today and a PostgreSQL implementation can follow.
import type { FileStore } from '../files/file-store.js';
import type { RateLimit, RateLimitGroup } from '../config/config.js';
import type { RateLimiter } from '../ratelimit/rate-limiter.js';
import type { DatasetName } from '../datasets/datasets.js';
import type { IndexDoc } from '../search/index-documents.js';
import type { TermKey } from '../search/index-terms.js';
import type { CollectedShard } from './postings/shard-collector.js';
import type { RecordDictionary, RecordForm, StoredRecord } from './stored-record.js';
import type { TsvectorDoc } from '../search/tsvector-doc.js';
import type { SearchRequest } from '../query/ast.js';

export type CreditPool = 'search' | 'collect';
export const creditPools: readonly CreditPool[] = ['search', 'collect'];

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly rateLimits: Readonly<Partial<Record<RateLimitGroup, RateLimit>>>;
  /** After this instant (ISO) the key no longer authenticates; null: never. */
  readonly expiresAt: string | null;
  /** The datasets the key may use; null: every dataset. */
  readonly datasets: readonly DatasetName[] | null;
}

/** What an administrator may change on a key (absent: unchanged). */
export interface KeyChanges {
  readonly name?: string | null;
  readonly rateLimits?: Readonly<Partial<Record<RateLimitGroup, RateLimit>>>;
  readonly expiresAt?: string | null;
  readonly datasets?: readonly DatasetName[] | null;
}

export interface NewApiKey extends ApiKeyRecord {
  /** Hex SHA-256 of the secret key; the key itself is never stored. */
  readonly keyHash: string;
}

export interface KeyWithHash extends ApiKeyRecord {
  readonly keyHash: string;
}

export type ChargeResult = { readonly ok: true; readonly remaining: number } | { readonly ok: false; readonly remaining: number };

export interface LedgerEntry {
  readonly seq: number;
  readonly keyId: string;
  readonly pool: CreditPool;
  readonly delta: number;
  readonly balanceAfter: number;
  readonly reason: string;
  readonly ref: string | null;
  readonly createdAt: string;
}

export interface KeyStore {
  create(key: NewApiKey, initial: Readonly<Record<CreditPool, number>>): Promise<void>;
  findByHash(keyHash: string): Promise<KeyWithHash | null>;
  findById(id: string): Promise<ApiKeyRecord | null>;
  list(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked; false when no such key (or already revoked). */
  revoke(id: string, at: string): Promise<boolean>;
  /** Applies the changes; null when no such key. */
  update(id: string, changes: KeyChanges): Promise<ApiKeyRecord | null>;
}

// ---- Operating: admin tokens, usage counts, cross-key listings ----

export interface AdminToken {
  readonly id: string;
  readonly name: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export interface AdminTokenWithHash extends AdminToken {
  /** Hex SHA-256 of the token; the token itself is never stored. */
  readonly tokenHash: string;
}

export interface AdminTokenStore {
  create(token: AdminTokenWithHash): Promise<void>;
  findByHash(tokenHash: string): Promise<AdminTokenWithHash | null>;
  list(): Promise<AdminToken[]>;
  /** False when no such token (or already revoked). */
  revoke(id: string, at: string): Promise<boolean>;
}

/** Requests of one key to one endpoint with one status in one hour. */
export interface UsageCount {
  /** '' for requests that named no valid key. */
  readonly keyId: string;
  /** Start of the hour, ISO (`2026-12-06T17:00:00.000Z`). */
  readonly hour: string;
  /** Method and route, e.g. `GET /cdapi/v2/employee_clean/collect/:employee_id`. */
  readonly endpoint: string;
  readonly status: number;
  readonly requests: number;
}

export type UsageGrouping = 'hour' | 'day' | 'endpoint';

export interface UsageFilter {
  /** null: every key. */
  readonly keyId: string | null;
  /** ISO instants; `from` inclusive (rounded down to its hour), `to` exclusive. */
  readonly from: string;
  readonly to: string;
}

export interface UsageRow {
  /** The hour, the day (`2026-12-06`) or the endpoint. */
  readonly bucket: string;
  readonly status: number;
  readonly requests: number;
}

export interface CreditUse {
  readonly bucket: string;
  readonly pool: CreditPool;
  /** Credits taken (charges) and given (grants) in the bucket. */
  readonly spent: number;
  readonly granted: number;
}

export interface UsageStore {
  /** Adds the counts (several calls for the same key, hour, endpoint and status add up). */
  add(counts: readonly UsageCount[]): Promise<void>;
  requests(filter: UsageFilter, groupBy: UsageGrouping): Promise<UsageRow[]>;
  /** From the credit ledger, by hour or day (`endpoint`: by the ledger's reason). */
  credits(filter: UsageFilter, groupBy: UsageGrouping): Promise<CreditUse[]>;
}

export interface DeliveryAttempt {
  readonly id: string;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

/** Read-only views across every key, for operators. */
export interface OverviewStore {
  dataRequests(filter: { keyId: string | null; state: DataRequestState | null; limit: number }): Promise<DataRequest[]>;
  subscriptions(filter: { keyId: string | null; limit: number }): Promise<Subscription[]>;
  /** Webhook deliveries made for these data requests or subscriptions, oldest first. */
  deliveries(refs: readonly string[]): Promise<Map<string, DeliveryAttempt[]>>;
  dataRequestStates(): Promise<Partial<Record<DataRequestState, number>>>;
  deliveryStates(): Promise<Partial<Record<DeliveryState, number>>>;
}

export interface CreditStore {
  balance(keyId: string, pool: CreditPool): Promise<number>;
  /** Takes `amount` credits atomically with an append to the ledger; never below zero. */
  charge(keyId: string, pool: CreditPool, amount: number, reason: string, ref: string | null, at: string): Promise<ChargeResult>;
  grant(keyId: string, pool: CreditPool, amount: number, reason: string, at: string): Promise<number>;
  ledger(keyId: string): Promise<LedgerEntry[]>;
}

export interface EmployeeRow {
  readonly id: number;
  readonly lastUpdated: string | null;
  /** The record as JSON text, exactly as collect sends it. */
  readonly json: string;
  /** `json` as the store keeps it, when the importer already compressed it (see `recordForm`). */
  readonly stored?: Uint8Array | null;
  readonly shorthandNames: readonly string[];
  /** The record's search documents, when already derived (import does it on worker threads). */
  readonly index?: readonly IndexDoc[];
  /** Terms of `index` for the term dictionary (only those the deriving worker had not reported before). */
  readonly terms?: readonly TermKey[];
  /** The same documents in PostgreSQL's tsvector form, when the import derived them (see `indexForm`). */
  readonly tsvectorDocs?: readonly TsvectorDoc[];
  /** Compare with the stored version and record a change for subscribers. */
  readonly detectChanges?: boolean;
}

/** One recorded change of a record, in the order imports committed them. */
export interface ChangeEvent {
  readonly seq: number;
  readonly id: number;
  /** The record did not exist before. */
  readonly created: boolean;
  /** An open position started or closed (not a promotion at the same company). */
  readonly experience: boolean;
  /** The changed top-level fields (see changes/change-state.ts). */
  readonly fields: readonly string[];
}

/** The form of search documents a store writes: SQLite's token columns or PostgreSQL's tsvectors. */
export type IndexForm = 'tokens' | 'tsvector';

export interface EmployeeStore {
  /** Which form of search documents import should derive for this store on its workers. */
  readonly indexForm: IndexForm;
  /** How the store keeps records; importers compress them ahead of the write when it is `compressed`. */
  readonly recordForm: RecordForm;
  /**
   * Stores that compress records: the dictionary new records of `dataset` are deflated with,
   * made from `samples` (the first lines of an import) when the dataset has none yet; null when
   * the store keeps no dictionary (then importers make gzip members, or text for `text` stores).
   */
  recordDictionary?(dataset: DatasetName, samples: readonly string[]): Promise<RecordDictionary | null>;
  getJsonById(dataset: DatasetName, id: number): Promise<string | null>;
  getJsonByShorthand(dataset: DatasetName, shorthand: string): Promise<string | null>;
  /** The record ready to send: a gzip member as kept, else its JSON text. */
  getStoredById(dataset: DatasetName, id: number): Promise<StoredRecord | null>;
  getStoredByShorthand(dataset: DatasetName, shorthand: string): Promise<StoredRecord | null>;
  /** The records of `ids`, in order; null where no such record. */
  getManyJson(dataset: DatasetName, ids: readonly number[]): Promise<(string | null)[]>;
  /** The same as UTF-8 bytes, skipping the string round trip (bulk export). */
  getManyRaw(dataset: DatasetName, ids: readonly number[]): Promise<(Buffer | null)[]>;
  /** The ids of shorthand names (lower-case), in order; null where unknown. */
  idsByShorthand(dataset: DatasetName, shorthands: readonly string[]): Promise<(number | null)[]>;
  /**
   * Inserts or replaces each row (by id) in one transaction, with its search documents; with
   * `deferIndex` the rows are only queued for indexing (bulk loads), see `indexPending`.
   */
  upsertBatch(dataset: DatasetName, rows: readonly EmployeeRow[], options?: { deferIndex?: boolean }): Promise<{ changes: number }>;
  /** Changes recorded after `afterSeq`, oldest first. */
  changesSince(dataset: DatasetName, afterSeq: number, limit: number): Promise<ChangeEvent[]>;
  /** Sequence number of the newest recorded change (0: none). */
  lastChangeSeq(dataset: DatasetName): Promise<number>;
  /** Brings the search index up to date with every deferred row; returns how many were indexed. */
  indexPending(dataset: DatasetName, batch?: number, onProgress?: (done: number, left: number) => void): Promise<number>;
  /** Rows waiting for `indexPending`. */
  pendingIndex(dataset: DatasetName): Promise<number>;
  /**
   * Builds the search postings of every part of the dataset changed since they were last built
   * (the embedded store's bitmap postings; absent where a store has none). Imports and
   * `rollcall index` call it when they finish; until then searches over changed parts run on
   * the index's other structures.
   */
  refreshPostings?(dataset: DatasetName, onShard?: (done: number, of: number) => void): Promise<PostingsReport>;
  /**
   * The parts (shards) of the dataset that hold records now: an import collects the postings of
   * the others from the documents its parse workers derive (embedded store only).
   */
  postingsShardsInUse?(dataset: DatasetName): Promise<number[]>;
  /**
   * Writes a part's postings from what the import's parse workers collected, when they hold
   * exactly its records as stored; false otherwise (`refreshPostings` builds it from the records).
   */
  writeCollectedPostings?(dataset: DatasetName, shard: number, parts: readonly CollectedShard[]): Promise<boolean>;
  count(dataset: DatasetName): Promise<number>;
  /** A few ids, for demo output and benchmarks. */
  sampleIds(dataset: DatasetName, limit: number): Promise<number[]>;
}

export interface PostingsReport {
  /** Parts (shards of 65,536 ids) built. */
  readonly shards: number;
  readonly records: number;
  readonly seconds: number;
}

export interface SecretStore {
  /** Returns the named secret, creating it with `make()` if absent (first writer wins). */
  getOrCreate(name: string, make: () => string): Promise<string>;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly keys: KeyStore;
  readonly credits: CreditStore;
  readonly employees: EmployeeStore;
  readonly secrets: SecretStore;
  readonly search: SearchStore;
  readonly dataRequests: DataRequestStore;
  readonly outbox: OutboxStore;
  readonly subscriptions: SubscriptionStore;
  readonly adminTokens: AdminTokenStore;
  readonly usage: UsageStore;
  readonly overview: OverviewStore;
  /** Bytes the store takes on disk (files, or the database's size). */
  diskBytes(): Promise<number>;
  /** The read replicas and their health (PostgreSQL with --database-read-url); null: none. */
  readonly replicaStatus: (() => readonly { name: string; healthy: boolean; lagMs: number | null }[]) | null;
  /** Rate limits shared by every node on this store; null: each node limits in-process. */
  readonly sharedRateLimiter: RateLimiter | null;
  /** Bulk files kept in the database itself (`--file-store database`); null: this store cannot. */
  readonly databaseFiles: FileStore | null;
  close(): Promise<void>;
}

/** The store could not take a write lock in time (another process holds it); retry later. */
export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError';
}

/** Where a result sits in its order; rendered as the `x-next-page-after` cursor. */
export interface SortValues {
  readonly score?: number;
  readonly lastUpdated?: string | null;
  readonly id: number;
}

export interface SearchPage {
  readonly ids: readonly number[];
  /** Exact number of matching records. */
  readonly total: number;
  /** Sort values of each id on the page, in order. */
  readonly values: readonly SortValues[];
  /** Scores by id, when the request sorts by score (preview uses them too). */
  readonly scores: ReadonlyMap<number, number>;
}

export interface SearchStore {
  /**
   * `budgetMs`: the time this search may still take, when part of its budget was already spent
   * (waiting its turn behind the same key's searches); by default the store's whole budget.
   */
  search(dataset: DatasetName, request: SearchRequest, after: SortValues | null, size: number, withScores?: boolean, budgetMs?: number): Promise<SearchPage>;
  /**
   * Resolves once a search thread is free, or after `maxMs`: background work on the same machine
   * (an export inside `serve`) steps back while searches keep every thread busy. Stores without
   * a thread pool of their own leave it out.
   */
  whenFree?(maxMs: number): Promise<void>;
}

/** A search did not finish within its time budget. */
export class SearchTimeoutError extends Error {
  override readonly name = 'SearchTimeoutError';
}

// ---- Bulk data requests (durable jobs) ----

export type DataRequestKind = 'ids' | 'es_dsl' | 'filter' | 'shorthand_names' | 'urls';
export type DataRequestState = 'queued' | 'running' | 'completed' | 'empty' | 'failed' | 'expired';

export interface DataRequestFile {
  /** Name as listed and downloaded, e.g. `json/part-00000-<uuid>-c000.json.gz`. */
  readonly name: string;
  readonly bytes: number;
  readonly records: number;
  readonly etag: string;
}

export interface NewDataRequest {
  readonly id: string;
  readonly keyId: string;
  readonly api: 'v1' | 'v2';
  readonly dataset: DatasetName;
  readonly kind: DataRequestKind;
  /** The normalized input as JSON (ids, names, query body or filters). */
  readonly input: string;
  /** Identity for the duplicate rule: two in-flight requests never share it. */
  readonly fingerprint: string;
  readonly webhookUrl: string | null;
  readonly limit: number | null;
  readonly createdAt: string;
}

export interface DataRequest extends NewDataRequest {
  readonly state: DataRequestState;
  readonly files: readonly DataRequestFile[];
  readonly records: number | null;
  readonly errorStatus: number | null;
  readonly errorDetail: string | null;
  readonly attempts: number;
  readonly finishedAt: string | null;
}

export interface Charge {
  readonly pool: CreditPool;
  readonly amount: number;
  readonly reason: string;
}

export type Finish =
  | { readonly state: 'completed'; readonly files: readonly DataRequestFile[]; readonly records: number; readonly charge: Charge }
  | { readonly state: 'empty' }
  | { readonly state: 'failed'; readonly status: number; readonly detail: string };

export type FinishResult = 'finished' | 'insufficient_credits' | 'lease_lost';

export interface DataRequestStore {
  /** Stores a queued request; false when an identical one (same fingerprint) is still in flight. */
  create(request: NewDataRequest): Promise<boolean>;
  get(id: string): Promise<DataRequest | null>;
  list(keyId: string | null, limit: number): Promise<DataRequest[]>;
  /** Takes the oldest queued request, or a running one whose lease ran out, for `owner`. */
  claim(owner: string, leaseMs: number, now: number): Promise<DataRequest | null>;
  /** Extends the lease; false when `owner` no longer holds the request. */
  renew(id: string, owner: string, leaseMs: number, now: number): Promise<boolean>;
  /** Puts a request `owner` holds back in the queue (a worker stopping). */
  release(id: string, owner: string): Promise<void>;
  /**
   * Ends a request `owner` holds, in one transaction: for `completed` the credits are charged
   * (all or nothing) with the state change; the webhook delivery, if any, is queued with it.
   * `insufficient_credits` leaves the request untouched so the caller can fail it.
   */
  finish(id: string, owner: string, outcome: Finish, webhook: NewDelivery | null, at: string): Promise<FinishResult>;
  /** Marks requests finished before `before` expired and returns them (their files are then deleted). */
  expire(before: string): Promise<DataRequest[]>;
}

// ---- Webhook outbox ----

export interface NewDelivery {
  readonly id: string;
  readonly keyId: string;
  readonly url: string;
  readonly body: string;
  /** What produced it: `data_request`, `subscription`, `simulation`. */
  readonly topic: string;
  readonly ref: string | null;
}

export type DeliveryState = 'pending' | 'delivered' | 'dead';

export interface Delivery extends NewDelivery {
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

export interface OutboxStore {
  enqueue(delivery: NewDelivery, now: number): Promise<void>;
  /** Leases up to `limit` pending deliveries that are due, oldest first. */
  claimDue(now: number, leaseMs: number, limit: number): Promise<Delivery[]>;
  markDelivered(id: string, status: number, now: number): Promise<void>;
  /** Records a failed attempt; `retryAt` null moves the delivery to the dead letters. */
  markFailed(id: string, status: number | null, error: string, retryAt: number | null): Promise<void>;
  get(id: string): Promise<Delivery | null>;
  list(state: DeliveryState | null, limit: number): Promise<Delivery[]>;
  /** Puts a dead delivery back in the queue; false when there is no such dead delivery. */
  retry(id: string, now: number): Promise<boolean>;
}

// ---- Webhook subscriptions ----

export type SubscriptionType = 'experience_changes' | 'profile_changes';
export type SubscriptionSelection = 'ids' | 'es_dsl' | 'all';

export interface NewSubscription {
  readonly id: string;
  readonly keyId: string;
  readonly type: SubscriptionType;
  readonly selection: SubscriptionSelection;
  readonly dataset: DatasetName;
  /** The ES DSL request as JSON (es_dsl selection). */
  readonly query: string | null;
  /** Top-level fields whose changes notify (profile changes); null: all. */
  readonly trackedFields: readonly string[] | null;
  readonly webhookUrl: string;
  readonly idsCount: number;
  /** Changes with a sequence number above this one concern the subscription. */
  readonly startSeq: number;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface Subscription extends NewSubscription {
  readonly deletedAt: string | null;
  readonly lastWebhookSentAt: string | null;
}

export interface NotificationBatch {
  readonly cursorName: string;
  /** Where the cursor must still be for the batch to commit. */
  readonly from: number;
  /** The change log is consumed up to here. */
  readonly cursor: number;
  readonly deliveries: readonly NewDelivery[];
  /** Match-set changes of query subscriptions: [subscription id, member id]. */
  readonly added: readonly (readonly [string, number])[];
  readonly removed: readonly (readonly [string, number])[];
  /** Subscriptions that got a delivery. */
  readonly notified: readonly string[];
  readonly at: string;
}

export interface SubscriptionStore {
  /**
   * Stores a subscription with its member ids (the listed ids, or the records its query matches
   * now); false when the key already has `maxActive` active subscriptions.
   */
  create(subscription: NewSubscription, members: readonly number[], maxActive: number): Promise<boolean>;
  get(id: string): Promise<Subscription | null>;
  /** A key's subscriptions that are active (or, with `expired`, expired) at `now`, oldest first. */
  list(keyId: string, expired: boolean, now: string, offset: number, limit: number): Promise<Subscription[]>;
  setExpiry(id: string, expiresAt: string): Promise<void>;
  /** Soft-deletes; false when there is no such live subscription. */
  delete(id: string, at: string): Promise<boolean>;
  /** Subscriptions on `dataset` that are neither deleted nor expired at `now`. */
  active(dataset: DatasetName, now: string): Promise<Subscription[]>;
  /** Of `subscriptionId`'s members, those among `ids`. */
  members(subscriptionId: string, ids: readonly number[]): Promise<Set<number>>;
  /** For each of `ids`, the ids-selection subscriptions that list it. */
  subscribersOf(ids: readonly number[]): Promise<Map<number, string[]>>;
  /** How far the notifier has consumed the change log named `name`, and when it last ran. */
  cursor(name: string): Promise<{ readonly seq: number; readonly ranAt: number }>;
  /**
   * One transaction: deliveries queued, match sets updated, cursor advanced — only if the cursor
   * is still at `from` (false: another notifier got there first and nothing was written).
   */
  commit(batch: NotificationBatch, now: number): Promise<boolean>;
}
