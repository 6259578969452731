// Signs webhook bodies so receivers can tell a delivery really came from this server and was not
// replayed later: the timestamp is part of the signed text, and receivers reject old timestamps.
// Format (Stripe-like, familiar to integrators): `t=<unix seconds>,v1=<hex HMAC-SHA256>`.
import { createHmac } from 'node:crypto';
import { verifyWebhookSignature } from '../client/index.js';

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

/**
 * True when `header` signs `body` with `secret` and its timestamp is within the tolerance: the
 * typed client's check (receivers use that one), so server and client agree by construction.
 */
export function verifyWebhook(secret: string, header: string, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  return verifyWebhookSignature(secret, header, body, { nowSeconds, toleranceSeconds });
}
