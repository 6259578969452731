// Credits and secrets on PostgreSQL (keys: ../control/key-sql.ts). A charge is one statement (conditional UPDATE plus
// ledger INSERT in a CTE), so it is atomic without an explicit transaction and exact across any
// number of API nodes.
import type pg from 'pg';
import { toLedgerEntry, type LedgerRow } from '../sql-rows.js';
import type { ChargeResult, CreditPool, CreditStore, LedgerEntry, SecretStore } from '../store.js';
import { debit, type QueryPool } from './pg-util.js';

export class PgCreditStore implements CreditStore {
  constructor(private readonly pool: QueryPool) {}

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
