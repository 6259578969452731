// API keys and their starting balances, over either store's executor.
import type { DatasetName } from '../../datasets/datasets.js';
import { toKeyRecord, withoutHash, type KeyRow } from '../sql-rows.js';
import type { ApiKeyRecord, CreditPool, KeyChanges, KeyStore, KeyWithHash, NewApiKey } from '../store.js';
import type { SqlExecutor } from './sql-executor.js';

const datasetsText = (d: readonly DatasetName[] | null): string | null => (d === null ? null : JSON.stringify(d));

export class SqlKeyStore implements KeyStore {
  constructor(private readonly x: SqlExecutor) {}

  async create(key: NewApiKey, initial: Readonly<Record<CreditPool, number>>): Promise<void> {
    await this.x.transaction(async (t) => {
      await t.run('INSERT INTO api_keys (id, key_hash, name, created_at, revoked_at, rate_limits, expires_at, datasets) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)',
        [key.id, key.keyHash, key.name, key.createdAt, JSON.stringify(key.rateLimits), key.expiresAt, datasetsText(key.datasets)]);
      for (const pool of ['search', 'collect'] as const) {
        await t.run('INSERT INTO credit_balances (key_id, pool, balance) VALUES (?, ?, ?)', [key.id, pool, initial[pool]]);
        await t.run("INSERT INTO credit_ledger (key_id, pool, delta, balance_after, reason, ref, created_at) VALUES (?, ?, ?, ?, 'initial grant', NULL, ?)",
          [key.id, pool, initial[pool], initial[pool], key.createdAt]);
      }
    });
  }

  async findByHash(keyHash: string): Promise<KeyWithHash | null> {
    const [row] = await this.x.rows<KeyRow>('SELECT * FROM api_keys WHERE key_hash = ?', [keyHash]);
    return row ? toKeyRecord(row) : null;
  }

  async findById(id: string): Promise<ApiKeyRecord | null> {
    const [row] = await this.x.rows<KeyRow>('SELECT * FROM api_keys WHERE id = ?', [id]);
    return row ? withoutHash(toKeyRecord(row)) : null;
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.x.rows<KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id')).map((r) => withoutHash(toKeyRecord(r)));
  }

  async revoke(id: string, at: string): Promise<boolean> {
    return (await this.x.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [at, id])) === 1;
  }

  async update(id: string, changes: KeyChanges): Promise<ApiKeyRecord | null> {
    const sets: [column: string, value: unknown][] = [];
    if (changes.name !== undefined) sets.push(['name', changes.name]);
    if (changes.rateLimits !== undefined) sets.push(['rate_limits', JSON.stringify(changes.rateLimits)]);
    if (changes.expiresAt !== undefined) sets.push(['expires_at', changes.expiresAt]);
    if (changes.datasets !== undefined) sets.push(['datasets', datasetsText(changes.datasets)]);
    if (sets.length > 0) {
      const changed = await this.x.run(`UPDATE api_keys SET ${sets.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`, [...sets.map(([, v]) => v), id]);
      if (changed === 0) return null;
    }
    return this.findById(id);
  }
}
