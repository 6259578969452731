// Creating, listing and revoking API keys, and granting credits. Used by the CLI and tests.
import type { Config, RateLimit, RateLimitGroup } from '../config/config.js';
import { hashApiKey, newApiKey, newKeyId } from '../auth/api-keys.js';
import type { JwtSigner } from '../auth/jwt.js';
import type { ApiKeyRecord, CreditPool, Store } from '../store/store.js';
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
}

export async function createKey(deps: KeyDeps, input: NewKeyInput): Promise<CreatedKey> {
  const apiKey = newApiKey();
  const id = newKeyId();
  await deps.store.keys.create(
    { id, keyHash: hashApiKey(apiKey), name: input.name ?? null, createdAt: isoNow(deps.clock), revokedAt: null, rateLimits: input.rateLimits ?? {} },
    { search: input.searchCredits, collect: input.collectCredits },
  );
  const jwt = await deps.signer.sign(id, deps.config.jwtTtlSeconds, Math.floor(deps.clock.now() / 1000));
  return { key_id: id, api_key: apiKey, jwt };
}

export interface KeySummary extends ApiKeyRecord {
  readonly balances: Readonly<Record<CreditPool, number>>;
}

export async function listKeys(deps: Pick<KeyDeps, 'store'>): Promise<KeySummary[]> {
  const keys = await deps.store.keys.list();
  return Promise.all(
    keys.map(async (k) => ({
      ...k,
      balances: { search: await deps.store.credits.balance(k.id, 'search'), collect: await deps.store.credits.balance(k.id, 'collect') },
    })),
  );
}

export async function revokeKey(deps: Pick<KeyDeps, 'store' | 'clock'>, keyId: string): Promise<boolean> {
  return deps.store.keys.revoke(keyId, isoNow(deps.clock));
}

export async function addCredits(deps: Pick<KeyDeps, 'store' | 'clock'>, keyId: string, pool: CreditPool, amount: number): Promise<number> {
  if (!(await deps.store.keys.findById(keyId))) throw new Error(`no such key: ${keyId}`);
  return deps.store.credits.grant(keyId, pool, amount, 'credits add', isoNow(deps.clock));
}
