// Admin tokens: what the admin API, /metrics and the console authenticate with. A token is shown
// once when made; only its SHA-256 is stored. They look nothing like API keys (a prefix and 40
// characters), so neither can be mistaken for the other.
import { randomUUID } from 'node:crypto';
import { hashApiKey, newApiKey, sameHash } from '../auth/api-keys.js';
import type { AdminToken, Store } from '../store/store.js';
import { isoNow, type Clock } from '../util/clock.js';

const prefix = 'rcadm_';

export interface CreatedAdminToken {
  readonly id: string;
  readonly token: string;
}

export async function createAdminToken(deps: { store: Store; clock: Clock }, name: string | null): Promise<CreatedAdminToken> {
  const token = `${prefix}${newApiKey(40)}`;
  const id = `adm_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await deps.store.adminTokens.create({ id, tokenHash: hashApiKey(token), name, createdAt: isoNow(deps.clock), revokedAt: null });
  return { id, token };
}

/** The admin token a bearer value names, or null (unknown, revoked, or not an admin token at all). */
export async function findAdminToken(store: Store, bearer: string): Promise<AdminToken | null> {
  if (!bearer.startsWith(prefix) || bearer.length !== prefix.length + 40 || !/^[A-Za-z0-9_]+$/.test(bearer)) return null;
  const hash = hashApiKey(bearer);
  const found = await store.adminTokens.findByHash(hash);
  if (!found || !sameHash(found.tokenHash, hash) || found.revokedAt !== null) return null;
  const { tokenHash: _hash, ...token } = found;
  return token;
}
