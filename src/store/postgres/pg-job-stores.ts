// Data requests on PostgreSQL. Workers on any machine claim work with FOR UPDATE SKIP LOCKED under
// a lease: two workers never take the same job, and a dead worker's lease runs out so another one
// takes over. (The webhook outbox: ../control/outbox-sql.ts.)
import type pg from 'pg';
import { toRequest, type DataRequestRow } from '../sql-rows.js';
import type {
  DataRequest, DataRequestStore, Finish, FinishResult, NewDataRequest, NewDelivery,
} from '../store.js';
import { debit, enqueueDelivery, inTransaction, isUniqueViolation } from './pg-util.js';

export class PgDataRequestStore implements DataRequestStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(r: NewDataRequest): Promise<boolean> {
    try {
      await this.pool.query(
        `INSERT INTO data_requests (id, key_id, api, dataset, kind, input, fingerprint, webhook_url, lim, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', $10)`,
        [r.id, r.keyId, r.api, r.dataset, r.kind, r.input, r.fingerprint, r.webhookUrl, r.limit, r.createdAt],
      );
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async get(id: string): Promise<DataRequest | null> {
    const { rows } = await this.pool.query<DataRequestRow>('SELECT * FROM data_requests WHERE id = $1', [id]);
    return rows[0] ? toRequest(rows[0]) : null;
  }

  async list(keyId: string | null, limit: number): Promise<DataRequest[]> {
    const { rows } = keyId === null
      ? await this.pool.query<DataRequestRow>('SELECT * FROM data_requests ORDER BY created_at DESC LIMIT $1', [limit])
      : await this.pool.query<DataRequestRow>('SELECT * FROM data_requests WHERE key_id = $1 ORDER BY created_at DESC LIMIT $2', [keyId, limit]);
    return rows.map(toRequest);
  }

  async claim(owner: string, leaseMs: number, now: number): Promise<DataRequest | null> {
    const { rows } = await this.pool.query<DataRequestRow>(
      `UPDATE data_requests SET state = 'running', lease_owner = $1, lease_until = $2::bigint + $3::bigint, attempts = attempts + 1
       WHERE id = (SELECT id FROM data_requests
                   WHERE state = 'queued' OR (state = 'running' AND lease_until <= $2)
                   ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [owner, now, leaseMs],
    );
    return rows[0] ? toRequest(rows[0]) : null;
  }

  async renew(id: string, owner: string, leaseMs: number, now: number): Promise<boolean> {
    const res = await this.pool.query(`UPDATE data_requests SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND state = 'running'`, [now + leaseMs, id, owner]);
    return res.rowCount === 1;
  }

  async release(id: string, owner: string): Promise<void> {
    await this.pool.query(
      `UPDATE data_requests SET state = 'queued', lease_owner = NULL, lease_until = NULL, attempts = greatest(attempts - 1, 0)
       WHERE id = $1 AND lease_owner = $2 AND state = 'running'`,
      [id, owner],
    );
  }

  async finish(id: string, owner: string, outcome: Finish, webhook: NewDelivery | null, at: string): Promise<FinishResult> {
    return inTransaction(this.pool, async (c): Promise<FinishResult> => {
      const held = await c.query<{ key_id: string }>(
        `SELECT key_id FROM data_requests WHERE id = $1 AND lease_owner = $2 AND state = 'running' FOR UPDATE`, [id, owner]);
      const keyId = held.rows[0]?.key_id;
      if (keyId === undefined) return 'lease_lost';
      if (outcome.state === 'completed' && outcome.charge.amount > 0) {
        const { pool, amount, reason } = outcome.charge;
        if ((await debit(c, keyId, pool, amount, reason, id, at)) === null) return 'insufficient_credits';
      }
      await c.query(
        `UPDATE data_requests SET state = $1, files = $2, records = $3, error_status = $4, error_detail = $5, finished_at = $6,
         lease_owner = NULL, lease_until = NULL WHERE id = $7`,
        [
          outcome.state,
          JSON.stringify(outcome.state === 'completed' ? outcome.files : []),
          outcome.state === 'completed' ? outcome.records : 0,
          outcome.state === 'failed' ? outcome.status : null,
          outcome.state === 'failed' ? outcome.detail : null,
          at, id,
        ],
      );
      if (webhook) await enqueueDelivery(c, webhook, Date.parse(at));
      return 'finished';
    });
  }

  async expire(before: string): Promise<DataRequest[]> {
    const { rows } = await this.pool.query<DataRequestRow>(
      `UPDATE data_requests SET state = 'expired' WHERE state IN ('completed', 'empty', 'failed') AND finished_at < $1 RETURNING *`, [before]);
    return rows.map(toRequest);
  }
}
