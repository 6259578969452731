// Bulk data requests over either store's executor. Workers claim a job under a lease (on
// PostgreSQL skipping rows another worker is claiming), and finishing a request, charging its
// credits and queueing its webhook are one transaction, so a crash at any moment leaves either all
// three or none.
import { toRequest, type DataRequestRow } from '../sql-rows.js';
import type { DataRequest, DataRequestStore, Finish, FinishResult, NewDataRequest, NewDelivery } from '../store.js';
import { enqueueParams, enqueueSql } from './outbox-sql.js';
import type { SqlExecutor } from './sql-executor.js';

/** A UNIQUE constraint refused the row (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

export class SqlDataRequestStore implements DataRequestStore {
  private readonly lock: string;

  constructor(private readonly x: SqlExecutor) {
    // SQLite's write transaction already serialises claims and finishes.
    this.lock = x.dialect === 'postgres' ? ' FOR UPDATE' : '';
  }

  async create(r: NewDataRequest): Promise<boolean> {
    try {
      await this.x.run(
        `INSERT INTO data_requests (id, key_id, api, dataset, kind, input, fingerprint, webhook_url, lim, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?)`,
        [r.id, r.keyId, r.api, r.dataset, r.kind, r.input, r.fingerprint, r.webhookUrl, r.limit, r.createdAt],
      );
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async get(id: string): Promise<DataRequest | null> {
    const [row] = await this.x.rows<DataRequestRow>('SELECT * FROM data_requests WHERE id = ?', [id]);
    return row ? toRequest(row) : null;
  }

  async list(keyId: string | null, limit: number): Promise<DataRequest[]> {
    const rows = keyId === null
      ? await this.x.rows<DataRequestRow>('SELECT * FROM data_requests ORDER BY created_at DESC LIMIT ?', [limit])
      : await this.x.rows<DataRequestRow>('SELECT * FROM data_requests WHERE key_id = ? ORDER BY created_at DESC LIMIT ?', [keyId, limit]);
    return rows.map(toRequest);
  }

  async claim(owner: string, leaseMs: number, now: number): Promise<DataRequest | null> {
    const skipLocked = this.lock === '' ? '' : `${this.lock} SKIP LOCKED`;
    const [row] = await this.x.transaction((t) => t.rows<DataRequestRow>(
      `UPDATE data_requests SET state = 'running', lease_owner = ?, lease_until = CAST(? AS BIGINT) + CAST(? AS BIGINT), attempts = attempts + 1
       WHERE id = (SELECT id FROM data_requests
                   WHERE state = 'queued' OR (state = 'running' AND lease_until <= ?)
                   ORDER BY created_at LIMIT 1${skipLocked})
       RETURNING *`,
      [owner, now, leaseMs, now],
    ));
    return row ? toRequest(row) : null;
  }

  async renew(id: string, owner: string, leaseMs: number, now: number): Promise<boolean> {
    return (await this.x.run(`UPDATE data_requests SET lease_until = ? WHERE id = ? AND lease_owner = ? AND state = 'running'`, [now + leaseMs, id, owner])) === 1;
  }

  async release(id: string, owner: string): Promise<void> {
    await this.x.run(
      `UPDATE data_requests SET state = 'queued', lease_owner = NULL, lease_until = NULL, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END
       WHERE id = ? AND lease_owner = ? AND state = 'running'`,
      [id, owner],
    );
  }

  async finish(id: string, owner: string, outcome: Finish, webhook: NewDelivery | null, at: string): Promise<FinishResult> {
    return this.x.transaction(async (t): Promise<FinishResult> => {
      const [held] = await t.rows<{ key_id: string }>(`SELECT key_id FROM data_requests WHERE id = ? AND lease_owner = ? AND state = 'running'${this.lock}`, [id, owner]);
      if (!held) return 'lease_lost';
      if (outcome.state === 'completed' && outcome.charge.amount > 0) {
        const { pool, amount, reason } = outcome.charge;
        // The conditional UPDATE is the guard: it never takes a balance below zero.
        const [row] = await t.rows<{ balance: number }>(
          'UPDATE credit_balances SET balance = balance - ? WHERE key_id = ? AND pool = ? AND balance >= ? RETURNING balance',
          [amount, held.key_id, pool, amount],
        );
        if (!row) return 'insufficient_credits';
        await t.run('INSERT INTO credit_ledger (key_id, pool, delta, balance_after, reason, ref, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [held.key_id, pool, -amount, Number(row.balance), reason, id, at]);
      }
      await t.run(
        `UPDATE data_requests SET state = ?, files = ?, records = ?, error_status = ?, error_detail = ?, finished_at = ?,
         lease_owner = NULL, lease_until = NULL WHERE id = ?`,
        [
          outcome.state,
          JSON.stringify(outcome.state === 'completed' ? outcome.files : []),
          outcome.state === 'completed' ? outcome.records : 0,
          outcome.state === 'failed' ? outcome.status : null,
          outcome.state === 'failed' ? outcome.detail : null,
          at, id,
        ],
      );
      if (webhook) await t.run(enqueueSql, enqueueParams(webhook, Date.parse(at)));
      return 'finished';
    });
  }

  async expire(before: string): Promise<DataRequest[]> {
    const rows = await this.x.transaction((t) => t.rows<DataRequestRow>(
      `UPDATE data_requests SET state = 'expired' WHERE state IN ('completed', 'empty', 'failed') AND finished_at < ? RETURNING *`, [before]));
    return rows.map(toRequest);
  }
}
