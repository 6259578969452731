// The webhook outbox on SQLite. A delivery is claimed by setting a short lease, so two dispatchers
// (the server and a `rollcall worker`, or two workers) never post the same delivery at once; a
// dispatcher that dies leaves a lease that simply runs out.
import type { Database, Statement } from 'better-sqlite3';
import type { Delivery, DeliveryState, NewDelivery, OutboxStore } from '../store.js';
import { toDelivery, type DeliveryRow } from '../sql-rows.js';

/** The INSERT, shared with the data-request store so a finish and its webhook commit together. */
export function prepareEnqueue(db: Database): (d: NewDelivery, now: number) => void {
  const insert = db.prepare(
    `INSERT INTO webhook_outbox (id, key_id, url, body, topic, ref, state, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
  );
  return (d, now) => {
    insert.run(d.id, d.keyId, d.url, d.body, d.topic, d.ref, now, new Date(now).toISOString());
  };
}

export class SqliteOutboxStore implements OutboxStore {
  private readonly insert: (d: NewDelivery, now: number) => void;
  private readonly claimStmt: Statement<[{ now: number; lease: number; limit: number }], DeliveryRow>;
  private readonly delivered: Statement;
  private readonly failed: Statement;
  private readonly byId: Statement<[string], DeliveryRow>;
  private readonly listAll: Statement<[number], DeliveryRow>;
  private readonly listState: Statement<[string, number], DeliveryRow>;
  private readonly revive: Statement;

  constructor(private readonly db: Database) {
    this.insert = prepareEnqueue(db);
    this.claimStmt = db.prepare(
      `UPDATE webhook_outbox SET lease_until = @now + @lease
       WHERE id IN (SELECT id FROM webhook_outbox
                    WHERE state = 'pending' AND next_attempt_at <= @now AND lease_until <= @now
                    ORDER BY next_attempt_at LIMIT @limit)
       RETURNING *`,
    );
    this.delivered = db.prepare(
      `UPDATE webhook_outbox SET state = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL,
       delivered_at = ?, lease_until = 0 WHERE id = ? AND state = 'pending'`,
    );
    this.failed = db.prepare(
      `UPDATE webhook_outbox SET attempts = attempts + 1, last_status = ?, last_error = ?, lease_until = 0,
       state = CASE WHEN ? IS NULL THEN 'dead' ELSE 'pending' END, next_attempt_at = coalesce(?, next_attempt_at)
       WHERE id = ? AND state = 'pending'`,
    );
    this.byId = db.prepare('SELECT * FROM webhook_outbox WHERE id = ?');
    this.listAll = db.prepare('SELECT * FROM webhook_outbox ORDER BY created_at DESC LIMIT ?');
    this.listState = db.prepare('SELECT * FROM webhook_outbox WHERE state = ? ORDER BY created_at DESC LIMIT ?');
    this.revive = db.prepare(
      `UPDATE webhook_outbox SET state = 'pending', next_attempt_at = ?, lease_until = 0 WHERE id = ? AND state = 'dead'`,
    );
  }

  async enqueue(delivery: NewDelivery, now: number): Promise<void> {
    this.insert(delivery, now);
  }

  async claimDue(now: number, leaseMs: number, limit: number): Promise<Delivery[]> {
    const rows = this.db.transaction(() => this.claimStmt.all({ now, lease: leaseMs, limit })).immediate();
    return rows.map(toDelivery).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt);
  }

  async markDelivered(id: string, status: number, now: number): Promise<void> {
    this.delivered.run(status, new Date(now).toISOString(), id);
  }

  async markFailed(id: string, status: number | null, error: string, retryAt: number | null): Promise<void> {
    this.failed.run(status, error.slice(0, 1000), retryAt, retryAt, id);
  }

  async get(id: string): Promise<Delivery | null> {
    const row = this.byId.get(id);
    return row ? toDelivery(row) : null;
  }

  async list(state: DeliveryState | null, limit: number): Promise<Delivery[]> {
    return (state === null ? this.listAll.all(limit) : this.listState.all(state, limit)).map(toDelivery);
  }

  async retry(id: string, now: number): Promise<boolean> {
    return this.revive.run(now, id).changes === 1;
  }
}
