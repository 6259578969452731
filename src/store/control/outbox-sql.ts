// The webhook outbox over either store's executor. A delivery is claimed by setting a short lease,
// so two dispatchers (the server and a `rollcall worker`, or workers on several machines) never
// post the same delivery at once; a dispatcher that dies leaves a lease that simply runs out.
import { toDelivery, type DeliveryRow } from '../sql-rows.js';
import type { Delivery, DeliveryState, NewDelivery, OutboxStore } from '../store.js';
import type { SqlExecutor } from './sql-executor.js';

/** The INSERT of one delivery; the job and subscription stores run it inside their own transactions. */
export const enqueueSql = `INSERT INTO webhook_outbox (id, key_id, url, body, topic, ref, state, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`;

export const enqueueParams = (d: NewDelivery, now: number): unknown[] => [d.id, d.keyId, d.url, d.body, d.topic, d.ref, now, new Date(now).toISOString()];

export class SqlOutboxStore implements OutboxStore {
  constructor(private readonly x: SqlExecutor) {}

  async enqueue(delivery: NewDelivery, now: number): Promise<void> {
    await this.x.run(enqueueSql, enqueueParams(delivery, now));
  }

  async claimDue(now: number, leaseMs: number, limit: number): Promise<Delivery[]> {
    // PostgreSQL: rows another dispatcher is claiming at this moment are skipped, not waited for.
    // SQLite: the write transaction already makes claims one at a time.
    const skipLocked = this.x.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const rows = await this.x.transaction((t) => t.rows<DeliveryRow>(
      `UPDATE webhook_outbox SET lease_until = CAST(? AS BIGINT) + CAST(? AS BIGINT)
       WHERE id IN (SELECT id FROM webhook_outbox
                    WHERE state = 'pending' AND next_attempt_at <= ? AND lease_until <= ?
                    ORDER BY next_attempt_at LIMIT ?${skipLocked})
       RETURNING *`,
      [now, leaseMs, now, now, limit],
    ));
    return rows.map(toDelivery).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt);
  }

  async markDelivered(id: string, status: number, now: number): Promise<void> {
    await this.x.run(
      `UPDATE webhook_outbox SET state = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL,
       delivered_at = ?, lease_until = 0 WHERE id = ? AND state = 'pending'`,
      [status, new Date(now).toISOString(), id],
    );
  }

  async markFailed(id: string, status: number | null, error: string, retryAt: number | null): Promise<void> {
    await this.x.run(
      `UPDATE webhook_outbox SET attempts = attempts + 1, last_status = ?, last_error = ?, lease_until = 0,
       state = CASE WHEN CAST(? AS BIGINT) IS NULL THEN 'dead' ELSE 'pending' END, next_attempt_at = coalesce(CAST(? AS BIGINT), next_attempt_at)
       WHERE id = ? AND state = 'pending'`,
      [status, error.slice(0, 1000), retryAt, retryAt, id],
    );
  }

  async get(id: string): Promise<Delivery | null> {
    const [row] = await this.x.rows<DeliveryRow>('SELECT * FROM webhook_outbox WHERE id = ?', [id]);
    return row ? toDelivery(row) : null;
  }

  async list(state: DeliveryState | null, limit: number): Promise<Delivery[]> {
    const rows = state === null
      ? await this.x.rows<DeliveryRow>('SELECT * FROM webhook_outbox ORDER BY created_at DESC LIMIT ?', [limit])
      : await this.x.rows<DeliveryRow>('SELECT * FROM webhook_outbox WHERE state = ? ORDER BY created_at DESC LIMIT ?', [state, limit]);
    return rows.map(toDelivery);
  }

  async retry(id: string, now: number): Promise<boolean> {
    return (await this.x.run(`UPDATE webhook_outbox SET state = 'pending', next_attempt_at = ?, lease_until = 0 WHERE id = ? AND state = 'dead'`, [now, id])) === 1;
  }
}
