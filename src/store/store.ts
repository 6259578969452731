// The store port: everything the domain needs from a database. Routes and domain code see only
// this interface; `sqlite/` implements it today and a PostgreSQL implementation can follow.
import type { RateLimit, RateLimitGroup } from '../config/config.js';
import type { DatasetName } from '../datasets/datasets.js';
import type { IndexDoc } from '../search/index-documents.js';
import type { SearchRequest } from '../query/ast.js';

export type CreditPool = 'search' | 'collect';
export const creditPools: readonly CreditPool[] = ['search', 'collect'];

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly rateLimits: Readonly<Partial<Record<RateLimitGroup, RateLimit>>>;
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
  readonly shorthandNames: readonly string[];
  /** The record's search documents, when already derived (import does it on worker threads). */
  readonly index?: readonly IndexDoc[];
}

export interface EmployeeStore {
  getJsonById(dataset: DatasetName, id: number): Promise<string | null>;
  getJsonByShorthand(dataset: DatasetName, shorthand: string): Promise<string | null>;
  /**
   * Inserts or replaces each row (by id) in one transaction, with its search documents; with
   * `deferIndex` the rows are only queued for indexing (bulk loads), see `indexPending`.
   */
  upsertBatch(dataset: DatasetName, rows: readonly EmployeeRow[], options?: { deferIndex?: boolean }): Promise<void>;
  /** Brings the search index up to date with every deferred row; returns how many were indexed. */
  indexPending(dataset: DatasetName, batch?: number, onProgress?: (done: number, left: number) => void): Promise<number>;
  /** Rows waiting for `indexPending`. */
  pendingIndex(dataset: DatasetName): Promise<number>;
  count(dataset: DatasetName): Promise<number>;
  /** A few ids, for demo output and benchmarks. */
  sampleIds(dataset: DatasetName, limit: number): Promise<number[]>;
}

export interface SecretStore {
  /** Returns the named secret, creating it with `make()` if absent (first writer wins). */
  getOrCreate(name: string, make: () => string): Promise<string>;
}

export interface Store {
  readonly dialect: 'sqlite';
  readonly keys: KeyStore;
  readonly credits: CreditStore;
  readonly employees: EmployeeStore;
  readonly secrets: SecretStore;
  readonly search: SearchStore;
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
  search(dataset: DatasetName, request: SearchRequest, after: SortValues | null, size: number, withScores?: boolean): Promise<SearchPage>;
}

/** A search did not finish within its time budget. */
export class SearchTimeoutError extends Error {
  override readonly name = 'SearchTimeoutError';
}
