// The store port: everything the domain needs from a database. Routes and domain code see only
// this interface; `sqlite/` implements it today and a PostgreSQL implementation can follow.
import type { RateLimit, RateLimitGroup } from '../config/config.js';
import type { DatasetName } from '../datasets/datasets.js';

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
}

export interface EmployeeStore {
  getJsonById(dataset: DatasetName, id: number): Promise<string | null>;
  getJsonByShorthand(dataset: DatasetName, shorthand: string): Promise<string | null>;
  /** Inserts or replaces each row (by id) in one transaction. */
  upsertBatch(dataset: DatasetName, rows: readonly EmployeeRow[]): Promise<void>;
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
  close(): Promise<void>;
}

/** The store could not take a write lock in time (another process holds it); retry later. */
export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError';
}
