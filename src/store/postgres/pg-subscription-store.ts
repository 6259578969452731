// Subscriptions on PostgreSQL. A notifier batch commits with the change-log cursor row locked,
// and only if the cursor is where the batch started: notifiers on several nodes never queue the
// same notification twice.
import type pg from 'pg';
import { toSubscription, type SubscriptionRow } from '../sql-rows.js';
import type { NewSubscription, NotificationBatch, Subscription, SubscriptionStore } from '../store.js';
import { enqueueDelivery, inTransaction } from './pg-util.js';

export class PgSubscriptionStore implements SubscriptionStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(s: NewSubscription, members: readonly number[], maxActive: number): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      // Serializes creates per key so the count check holds across nodes.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [s.keyId]);
      const { rows } = await c.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM subscriptions WHERE key_id = $1 AND deleted_at IS NULL AND expires_at > $2', [s.keyId, s.createdAt]);
      if (rows[0]!.n >= maxActive) return false;
      await c.query(
        `INSERT INTO subscriptions (id, key_id, type, selection, dataset, query, tracked_fields, webhook_url, ids_count, start_seq, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [s.id, s.keyId, s.type, s.selection, s.dataset, s.query, s.trackedFields === null ? null : JSON.stringify(s.trackedFields),
          s.webhookUrl, s.idsCount, s.startSeq, s.createdAt, s.expiresAt],
      );
      if (members.length > 0) {
        await c.query('INSERT INTO subscription_members (member_id, subscription_id) SELECT unnest($1::bigint[]), $2 ON CONFLICT DO NOTHING', [members, s.id]);
      }
      return true;
    });
  }

  async get(id: string): Promise<Subscription | null> {
    const { rows } = await this.pool.query<SubscriptionRow>('SELECT * FROM subscriptions WHERE id = $1', [id]);
    return rows[0] ? toSubscription(rows[0]) : null;
  }

  async list(keyId: string, expired: boolean, now: string, offset: number, limit: number): Promise<Subscription[]> {
    const { rows } = await this.pool.query<SubscriptionRow>(
      `SELECT * FROM subscriptions WHERE key_id = $1 AND deleted_at IS NULL AND ${expired ? 'expires_at <= $2' : 'expires_at > $2'}
       ORDER BY created_at, id LIMIT $3 OFFSET $4`,
      [keyId, now, limit, offset],
    );
    return rows.map(toSubscription);
  }

  async setExpiry(id: string, expiresAt: string): Promise<void> {
    await this.pool.query('UPDATE subscriptions SET expires_at = $1 WHERE id = $2', [expiresAt, id]);
  }

  async delete(id: string, at: string): Promise<boolean> {
    return (await this.pool.query('UPDATE subscriptions SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL', [at, id])).rowCount === 1;
  }

  async active(dataset: Subscription['dataset'], now: string): Promise<Subscription[]> {
    const { rows } = await this.pool.query<SubscriptionRow>('SELECT * FROM subscriptions WHERE dataset = $1 AND deleted_at IS NULL AND expires_at > $2', [dataset, now]);
    return rows.map(toSubscription);
  }

  async members(subscriptionId: string, ids: readonly number[]): Promise<Set<number>> {
    const { rows } = await this.pool.query<{ member_id: number }>(
      'SELECT member_id FROM subscription_members WHERE subscription_id = $1 AND member_id = ANY($2::bigint[])', [subscriptionId, ids]);
    return new Set(rows.map((r) => r.member_id));
  }

  async subscribersOf(ids: readonly number[]): Promise<Map<number, string[]>> {
    const { rows } = await this.pool.query<{ member_id: number; subscription_id: string }>(
      `SELECT sm.member_id, sm.subscription_id FROM subscription_members sm JOIN subscriptions s ON s.id = sm.subscription_id
       WHERE s.selection = 'ids' AND sm.member_id = ANY($1::bigint[])`, [ids]);
    const out = new Map<number, string[]>();
    for (const r of rows) out.set(r.member_id, [...(out.get(r.member_id) ?? []), r.subscription_id]);
    return out;
  }

  async cursor(name: string): Promise<{ seq: number; ranAt: number }> {
    const { rows } = await this.pool.query<{ seq: number; ran_at: number }>('SELECT seq, ran_at FROM change_cursors WHERE name = $1', [name]);
    return { seq: rows[0]?.seq ?? 0, ranAt: rows[0]?.ran_at ?? 0 };
  }

  async commit(batch: NotificationBatch, now: number): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      await c.query('INSERT INTO change_cursors (name, seq, ran_at) VALUES ($1, 0, 0) ON CONFLICT (name) DO NOTHING', [batch.cursorName]);
      const { rows } = await c.query<{ seq: number }>('SELECT seq FROM change_cursors WHERE name = $1 FOR UPDATE', [batch.cursorName]);
      if (rows[0]!.seq !== batch.from) return false;
      for (const d of batch.deliveries) await enqueueDelivery(c, d, now);
      for (const [sub, member] of batch.added) await c.query('INSERT INTO subscription_members (member_id, subscription_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [member, sub]);
      for (const [sub, member] of batch.removed) await c.query('DELETE FROM subscription_members WHERE member_id = $1 AND subscription_id = $2', [member, sub]);
      if (batch.notified.length > 0) await c.query('UPDATE subscriptions SET last_webhook_sent_at = $1 WHERE id = ANY($2::text[])', [batch.at, batch.notified]);
      await c.query('UPDATE change_cursors SET seq = $1, ran_at = $2 WHERE name = $3', [batch.cursor, now, batch.cursorName]);
      return true;
    });
  }
}
