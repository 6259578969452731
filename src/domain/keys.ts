// Creating, listing and revoking API keys, and granting credits. Used by the CLI and tests.
import type { Config, RateLimit, RateLimitGroup } from '../config/config.js';
import { hashApiKey, newApiKey, newKeyId } from '../auth/api-keys.js';
import type { JwtSigner } from '../auth/jwt.js';
import type { DatasetName } from '../datasets/datasets.js';
import type { ApiKeyRecord, CreditPool, KeyChanges, Store } from '../store/store.js';
import { isoNow, type Clock } from '../util/clock.js';

export interface KeyDeps {
  readonly store: Store;
  readonly signer: JwtSigner;
  readonly clock: Clock;
  readonly config: Config;
}

export interface CreatedKey {
  readonly key_id: string;
  readonly api_key: string;
  readonly jwt: string;
}

export interface NewKeyInput {
  readonly name?: string | null;
  readonly searchCredits: number;
  readonly collectCredits: number;
  readonly rateLimits?: Partial<Record<RateLimitGroup, RateLimit>>;
  /** ISO instant after which the key stops authenticating; null or absent: never. */
  readonly expiresAt?: string | null;
  /** The datasets the key may use; null or absent: every dataset. */
  readonly datasets?: readonly DatasetName[] | null;
}

export async function createKey(deps: KeyDeps, input: NewKeyInput): Promise<CreatedKey> {
  const apiKey = newApiKey();
  const id = newKeyId();
  await deps.store.keys.create(
    { id, keyHash: hashApiKey(apiKey), name: input.name ?? null, createdAt: isoNow(deps.clock), revokedAt: null, rateLimits: input.rateLimits ?? {}, expiresAt: input.expiresAt ?? null, datasets: input.datasets ?? null },
    { search: input.searchCredits, collect: input.collectCredits },
  );
  const jwt = await deps.signer.sign(id, deps.config.jwtTtlSeconds, Math.floor(deps.clock.now() / 1000));
  return { key_id: id, api_key: apiKey, jwt };
}

export interface KeySummary extends ApiKeyRecord {
  readonly balances: Readonly<Record<CreditPool, number>>;
}

async function withBalances(deps: Pick<KeyDeps, 'store'>, k: ApiKeyRecord): Promise<KeySummary> {
  return { ...k, balances: { search: await deps.store.credits.balance(k.id, 'search'), collect: await deps.store.credits.balance(k.id, 'collect') } };
}

export async function listKeys(deps: Pick<KeyDeps, 'store'>): Promise<KeySummary[]> {
  return Promise.all((await deps.store.keys.list()).map((k) => withBalances(deps, k)));
}

export async function getKey(deps: Pick<KeyDeps, 'store'>, keyId: string): Promise<KeySummary | null> {
  const key = await deps.store.keys.findById(keyId);
  return key ? withBalances(deps, key) : null;
}

/** Applies the changes to a key; null when there is no such key. */
export async function updateKey(deps: Pick<KeyDeps, 'store'>, keyId: string, changes: KeyChanges): Promise<KeySummary | null> {
  const key = await deps.store.keys.update(keyId, changes);
  return key ? withBalances(deps, key) : null;
}

export async function revokeKey(deps: Pick<KeyDeps, 'store' | 'clock'>, keyId: string): Promise<boolean> {
  return deps.store.keys.revoke(keyId, isoNow(deps.clock));
}

export async function addCredits(deps: Pick<KeyDeps, 'store' | 'clock'>, keyId: string, pool: CreditPool, amount: number): Promise<number> {
  const result = await adjustCredits(deps, keyId, pool, amount, 'credits add');
  if (typeof result === 'string') throw new Error(`no such key: ${keyId}`);
  return result.balance;
}

export type Adjustment = { readonly balance: number } | 'no-key' | 'short';

/**
 * Grants (`amount` > 0) or removes (< 0) credits, with the reason in the ledger; a removal never
 * takes the balance below zero ('short': nothing removed).
 */
export async function adjustCredits(deps: Pick<KeyDeps, 'store' | 'clock'>, keyId: string, pool: CreditPool, amount: number, reason: string): Promise<Adjustment> {
  if (!(await deps.store.keys.findById(keyId))) return 'no-key';
  const at = isoNow(deps.clock);
  if (amount >= 0) return { balance: await deps.store.credits.grant(keyId, pool, amount, reason, at) };
  const charged = await deps.store.credits.charge(keyId, pool, -amount, reason, null, at);
  return charged.ok ? { balance: charged.remaining } : 'short';
}
