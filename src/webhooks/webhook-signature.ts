// Signs webhook bodies so receivers can tell a delivery really came from this server and was not
// replayed later: the timestamp is part of the signed text, and receivers reject old timestamps.
// Format (Stripe-like, familiar to integrators): `t=<unix seconds>,v1=<hex HMAC-SHA256>`.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const signatureHeader = 'x-rollcall-signature';
export const deliveryHeader = 'x-rollcall-delivery';

function hmacHex(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

/** The signature header value for `body` sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  if (!Number.isFinite(timestamp)) throw new RangeError('webhook timestamp must be a finite number of seconds');
  const t = Math.floor(timestamp);
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

/** True when `header` signs `body` with `secret` and its timestamp is within the tolerance. */
export function verifyWebhook(secret: string, header: string, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  let t: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq === -1) continue;
    if (key === 't' && /^\d{1,15}$/.test(value)) t = Number(value);
    // Several v1 entries may appear while a secret is being rotated; any one may match.
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (t === null || candidates.length === 0) return false;
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  // Constant-time compare so response timing does not leak how many bytes matched.
  return candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
}
