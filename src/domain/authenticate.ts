// Resolves the caller from the `apikey` header (preferred, as Coresignal does when both are
// present) or from `Authorization: Bearer <JWT>`.
import { hashApiKey, looksLikeApiKey, sameHash } from '../auth/api-keys.js';
import type { JwtSigner } from '../auth/jwt.js';
import type { KeyCache } from '../auth/key-cache.js';
import { apiError } from '../errors/catalogue.js';
import type { ApiKeyRecord, Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';

export interface AuthDeps {
  readonly store: Store;
  readonly signer: JwtSigner;
  readonly clock: Clock;
  readonly keyCache?: KeyCache;
}

export type Principal = ApiKeyRecord;

export async function authenticate(deps: AuthDeps, apikey: string | undefined, authorization: string | undefined): Promise<Principal> {
  if (apikey !== undefined && apikey !== '') return byApiKey(deps, apikey.trim());
  if (authorization !== undefined && authorization !== '') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) throw apiError('AUTH_INVALID');
    return byJwt(deps, m[1]!);
  }
  throw apiError('AUTH_MISSING');
}

/** Not revoked and not past its expiry. */
function usable(key: ApiKeyRecord, clock: Clock): boolean {
  return key.revokedAt === null && (key.expiresAt === null || Date.parse(key.expiresAt) > clock.now());
}

async function byApiKey(deps: AuthDeps, apikey: string): Promise<Principal> {
  if (!looksLikeApiKey(apikey)) throw apiError('AUTH_INVALID');
  const hash = hashApiKey(apikey);
  const cached = deps.keyCache?.get(`hash:${hash}`);
  if (cached && usable(cached, deps.clock)) return cached;
  const key = await deps.store.keys.findByHash(hash);
  if (!key || !sameHash(key.keyHash, hash) || !usable(key, deps.clock)) throw apiError('AUTH_INVALID');
  const { keyHash: _unused, ...principal } = key;
  deps.keyCache?.set(`hash:${hash}`, principal);
  return principal;
}

async function byJwt(deps: AuthDeps, token: string): Promise<Principal> {
  const keyId = await deps.signer.verify(token, Math.floor(deps.clock.now() / 1000));
  if (keyId === null) throw apiError('AUTH_INVALID');
  const cached = deps.keyCache?.get(`id:${keyId}`);
  if (cached && usable(cached, deps.clock)) return cached;
  const key = await deps.store.keys.findById(keyId);
  if (!key || !usable(key, deps.clock)) throw apiError('AUTH_INVALID');
  deps.keyCache?.set(`id:${keyId}`, key);
  return key;
}
