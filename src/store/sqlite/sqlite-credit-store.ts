import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { ChargeResult, CreditPool, CreditStore, LedgerEntry } from '../store.js';

interface LedgerRow {
  seq: number;
  key_id: string;
  pool: CreditPool;
  delta: number;
  balance_after: number;
  reason: string;
  ref: string | null;
  created_at: string;
}

export class SqliteCreditStore implements CreditStore {
  private readonly select: Statement<[string, string], { balance: number }>;
  private readonly ledgerStmt: Statement<[string], LedgerRow>;
  private readonly chargeTx: Transaction<(keyId: string, pool: CreditPool, amount: number, reason: string, ref: string | null, at: string) => ChargeResult>;
  private readonly grantTx: Transaction<(keyId: string, pool: CreditPool, amount: number, reason: string, at: string) => number>;

  constructor(db: Database) {
    this.select = db.prepare('SELECT balance FROM credit_balances WHERE key_id = ? AND pool = ?');
    this.ledgerStmt = db.prepare('SELECT * FROM credit_ledger WHERE key_id = ? ORDER BY seq');
    // The conditional UPDATE is the whole guard: it cannot take a balance below zero, and the
    // ledger row is written in the same transaction or not at all.
    const debit = db.prepare<[number, string, string, number], { balance: number }>(
      'UPDATE credit_balances SET balance = balance - ? WHERE key_id = ? AND pool = ? AND balance >= ? RETURNING balance',
    );
    const credit = db.prepare<[number, string, string], { balance: number }>(
      'UPDATE credit_balances SET balance = balance + ? WHERE key_id = ? AND pool = ? RETURNING balance',
    );
    const append = db.prepare(
      'INSERT INTO credit_ledger (key_id, pool, delta, balance_after, reason, ref, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.chargeTx = db.transaction((keyId: string, pool: CreditPool, amount: number, reason: string, ref: string | null, at: string): ChargeResult => {
      const row = debit.get(amount, keyId, pool, amount);
      if (!row) return { ok: false, remaining: this.select.get(keyId, pool)?.balance ?? 0 };
      if (amount > 0) append.run(keyId, pool, -amount, row.balance, reason, ref, at);
      return { ok: true, remaining: row.balance };
    });
    this.grantTx = db.transaction((keyId: string, pool: CreditPool, amount: number, reason: string, at: string): number => {
      const row = credit.get(amount, keyId, pool);
      if (!row) throw new Error(`no such key: ${keyId}`);
      append.run(keyId, pool, amount, row.balance, reason, null, at);
      return row.balance;
    });
  }

  async balance(keyId: string, pool: CreditPool): Promise<number> {
    return this.select.get(keyId, pool)?.balance ?? 0;
  }

  async charge(keyId: string, pool: CreditPool, amount: number, reason: string, ref: string | null, at: string): Promise<ChargeResult> {
    return this.chargeTx.immediate(keyId, pool, amount, reason, ref, at);
  }

  async grant(keyId: string, pool: CreditPool, amount: number, reason: string, at: string): Promise<number> {
    return this.grantTx.immediate(keyId, pool, amount, reason, at);
  }

  async ledger(keyId: string): Promise<LedgerEntry[]> {
    return this.ledgerStmt.all(keyId).map((r) => ({
      seq: r.seq, keyId: r.key_id, pool: r.pool, delta: r.delta, balanceAfter: r.balance_after,
      reason: r.reason, ref: r.ref, createdAt: r.created_at,
    }));
  }
}
