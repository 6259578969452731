// Bearer tokens: HS256 JWTs signed with a server secret made on first run and kept in the store,
// so every node of a deployment verifies the same tokens. The algorithm is pinned on verify.
import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';
import type { SecretStore } from '../store/store.js';

export const jwtIssuer = 'rollcall';
const algorithm = 'HS256';

export interface JwtSigner {
  sign(keyId: string, ttlSeconds: number, nowSeconds: number): Promise<string>;
  /** The key id (`sub`) of a valid token, or null for any invalid, expired or foreign token. */
  verify(token: string, nowSeconds: number): Promise<string | null>;
}

export async function createJwtSigner(secrets: SecretStore): Promise<JwtSigner> {
  const encoded = await secrets.getOrCreate('jwt_hs256', () => randomBytes(48).toString('base64url'));
  const secret = Buffer.from(encoded, 'base64url');
  return {
    async sign(keyId, ttlSeconds, nowSeconds) {
      return new SignJWT({})
        .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
        .setSubject(keyId)
        .setIssuer(jwtIssuer)
        .setIssuedAt(nowSeconds)
        .setExpirationTime(nowSeconds + ttlSeconds)
        .setJti(randomBytes(12).toString('base64url'))
        .sign(secret);
    },
    async verify(token, nowSeconds) {
      try {
        const { payload } = await jwtVerify(token, secret, {
          algorithms: [algorithm],
          issuer: jwtIssuer,
          currentDate: new Date(nowSeconds * 1000),
          requiredClaims: ['sub', 'exp'],
        });
        return typeof payload.sub === 'string' ? payload.sub : null;
      } catch (error) {
        if (error instanceof errors.JOSEError) return null;
        throw error;
      }
    },
  };
}
