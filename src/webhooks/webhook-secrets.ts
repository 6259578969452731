// Each API key signs its webhooks with its own secret, created on first use and kept in the
// store, so every node and worker signs alike. `rollcall keys webhook-secret KEY_ID` prints it.
import { randomBytes } from 'node:crypto';
import type { SecretStore } from '../store/store.js';

export function webhookSecret(secrets: SecretStore, keyId: string): Promise<string> {
  return secrets.getOrCreate(`webhook-secret:${keyId}`, () => `whsec_${randomBytes(24).toString('hex')}`);
}
