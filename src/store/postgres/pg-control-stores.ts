// Keys, credits and secrets on PostgreSQL. A charge is one statement (conditional UPDATE plus
// ledger INSERT in a CTE), so it is atomic without an explicit transaction and exact across any
// number of API nodes.
import type pg from 'pg';
import { toKeyRecord, toLedgerEntry, withoutHash, type KeyRow, type LedgerRow } from '../sql-rows.js';
import type { ApiKeyRecord, ChargeResult, CreditPool, CreditStore, KeyStore, KeyWithHash, LedgerEntry, NewApiKey, SecretStore } from '../store.js';
import { debit, inTransaction } from './pg-util.js';

export class PgKeyStore implements KeyStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(key: NewApiKey, initial: Readonly<Record<CreditPool, number>>): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query('INSERT INTO api_keys (id, key_hash, name, created_at, revoked_at, rate_limits) VALUES ($1, $2, $3, $4, NULL, $5)',
        [key.id, key.keyHash, key.name, key.createdAt, JSON.stringify(key.rateLimits)]);
      for (const pool of ['search', 'collect'] as const) {
        await c.query('INSERT INTO credit_balances (key_id, pool, balance) VALUES ($1, $2, $3)', [key.id, pool, initial[pool]]);
        await c.query("INSERT INTO credit_ledger (key_id, pool, delta, balance_after, reason, ref, created_at) VALUES ($1, $2, $3, $3, 'initial grant', NULL, $4)",
          [key.id, pool, initial[pool], key.createdAt]);
      }
    });
  }

  async findByHash(keyHash: string): Promise<KeyWithHash | null> {
    const { rows } = await this.pool.query<KeyRow>('SELECT * FROM api_keys WHERE key_hash = $1', [keyHash]);
    return rows[0] ? toKeyRecord(rows[0]) : null;
  }

  async findById(id: string): Promise<ApiKeyRecord | null> {
    const { rows } = await this.pool.query<KeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
    return rows[0] ? withoutHash(toKeyRecord(rows[0])) : null;
  }

  async list(): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id');
    return rows.map((r) => withoutHash(toKeyRecord(r)));
  }

  async revoke(id: string, at: string): Promise<boolean> {
    const res = await this.pool.query('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id]);
    return res.rowCount === 1;
  }
}

export class PgCreditStore implements CreditStore {
  constructor(private readonly pool: pg.Pool) {}

  async balance(keyId: string, pool: CreditPool): Promise<number> {
    const { rows } = await this.pool.query<{ balance: number }>('SELECT balance FROM credit_balances WHERE key_id = $1 AND pool = $2', [keyId, pool]);
    return rows[0]?.balance ?? 0;
  }

  async charge(keyId: string, pool: CreditPool, amount: number, reason: string, ref: string | null, at: string): Promise<ChargeResult> {
    if (amount === 0) return { ok: true, remaining: await this.balance(keyId, pool) };
    const after = await debit(this.pool, keyId, pool, amount, reason, ref, at);
    return after === null ? { ok: false, remaining: await this.balance(keyId, pool) } : { ok: true, remaining: after };
  }

  async grant(keyId: string, pool: CreditPool, amount: number, reason: string, at: string): Promise<number> {
    const { rows } = await this.pool.query<{ balance_after: number }>(
      `WITH c AS (UPDATE credit_balances SET balance = balance + $1 WHERE key_id = $2 AND pool = $3 RETURNING balance)
       INSERT INTO credit_ledger (key_id, pool, delta, balance_after, reason, ref, created_at)
       SELECT $2, $3, $1::bigint, balance, $4, NULL, $5 FROM c RETURNING balance_after`,
      [amount, keyId, pool, reason, at],
    );
    if (!rows[0]) throw new Error(`no such key: ${keyId}`);
    return rows[0].balance_after;
  }

  async ledger(keyId: string): Promise<LedgerEntry[]> {
    const { rows } = await this.pool.query<LedgerRow>('SELECT * FROM credit_ledger WHERE key_id = $1 ORDER BY seq', [keyId]);
    return rows.map(toLedgerEntry);
  }
}

export class PgSecretStore implements SecretStore {
  constructor(private readonly pool: pg.Pool) {}

  async getOrCreate(name: string, make: () => string): Promise<string> {
    // First writer wins; every node then reads the same value.
    await this.pool.query('INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, make()]);
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM server_secrets WHERE name = $1', [name]);
    return rows[0]!.value;
  }
}
