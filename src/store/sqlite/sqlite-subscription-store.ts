// Subscriptions on SQLite (control.db, beside the outbox): a notifier batch — deliveries, match
// set updates and the change-log cursor — commits as one transaction, so after a crash each
// change is either fully notified or not at all, never twice.
import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { NewSubscription, NotificationBatch, Subscription, SubscriptionStore } from '../store.js';
import { prepareEnqueue } from './sqlite-outbox-store.js';
import { toSubscription, type SubscriptionRow } from '../sql-rows.js';

/** Ids per IN (...) list: well under SQLite's parameter limit. */
const chunk = 500;

export class SqliteSubscriptionStore implements SubscriptionStore {
  private readonly createTx: Transaction<(s: NewSubscription, members: readonly number[], maxActive: number) => boolean>;
  private readonly commitTx: Transaction<(batch: NotificationBatch, now: number) => boolean>;
  private readonly byId: Statement<[string], SubscriptionRow>;
  private readonly listActive: Statement<[string, string, number, number], SubscriptionRow>;
  private readonly listExpired: Statement<[string, string, number, number], SubscriptionRow>;
  private readonly activeStmt: Statement<[string, string], SubscriptionRow>;
  private readonly expiry: Statement;
  private readonly remove: Statement;
  private readonly cursorStmt: Statement<[string], { seq: number; ran_at: number }>;

  constructor(private readonly db: Database) {
    const insert = db.prepare(
      `INSERT INTO subscriptions (id, key_id, type, selection, dataset, query, tracked_fields, webhook_url, ids_count, start_seq, created_at, expires_at)
       VALUES (@id, @keyId, @type, @selection, @dataset, @query, @trackedFields, @webhookUrl, @idsCount, @startSeq, @createdAt, @expiresAt)`,
    );
    const countActive = db.prepare<[string, string], { n: number }>(
      'SELECT count(*) AS n FROM subscriptions WHERE key_id = ? AND deleted_at IS NULL AND expires_at > ?',
    );
    const addMember = db.prepare('INSERT OR IGNORE INTO subscription_members (member_id, subscription_id) VALUES (?, ?)');
    const dropMember = db.prepare('DELETE FROM subscription_members WHERE member_id = ? AND subscription_id = ?');
    this.createTx = db.transaction((s: NewSubscription, members: readonly number[], maxActive: number): boolean => {
      if (countActive.get(s.keyId, s.createdAt)!.n >= maxActive) return false;
      insert.run({ ...s, trackedFields: s.trackedFields === null ? null : JSON.stringify(s.trackedFields) });
      for (const m of members) addMember.run(m, s.id);
      return true;
    });
    const enqueue = prepareEnqueue(db);
    const sent = db.prepare('UPDATE subscriptions SET last_webhook_sent_at = ? WHERE id = ?');
    const moveCursor = db.prepare(
      'INSERT INTO change_cursors (name, seq, ran_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET seq = excluded.seq, ran_at = excluded.ran_at',
    );
    const current = db.prepare<[string], { seq: number }>('SELECT seq FROM change_cursors WHERE name = ?');
    this.commitTx = db.transaction((batch: NotificationBatch, now: number): boolean => {
      if ((current.get(batch.cursorName)?.seq ?? 0) !== batch.from) return false;
      for (const d of batch.deliveries) enqueue(d, now);
      for (const [sub, member] of batch.added) addMember.run(member, sub);
      for (const [sub, member] of batch.removed) dropMember.run(member, sub);
      for (const sub of batch.notified) sent.run(batch.at, sub);
      moveCursor.run(batch.cursorName, batch.cursor, now);
      return true;
    });
    this.byId = db.prepare('SELECT * FROM subscriptions WHERE id = ?');
    this.listActive = db.prepare(
      'SELECT * FROM subscriptions WHERE key_id = ? AND deleted_at IS NULL AND expires_at > ? ORDER BY created_at, id LIMIT ? OFFSET ?',
    );
    this.listExpired = db.prepare(
      'SELECT * FROM subscriptions WHERE key_id = ? AND deleted_at IS NULL AND expires_at <= ? ORDER BY created_at, id LIMIT ? OFFSET ?',
    );
    this.activeStmt = db.prepare('SELECT * FROM subscriptions WHERE dataset = ? AND deleted_at IS NULL AND expires_at > ?');
    this.expiry = db.prepare('UPDATE subscriptions SET expires_at = ? WHERE id = ?');
    this.remove = db.prepare('UPDATE subscriptions SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL');
    this.cursorStmt = db.prepare('SELECT seq, ran_at FROM change_cursors WHERE name = ?');
  }

  async create(subscription: NewSubscription, members: readonly number[], maxActive: number): Promise<boolean> {
    return this.createTx.immediate(subscription, members, maxActive);
  }

  async get(id: string): Promise<Subscription | null> {
    const row = this.byId.get(id);
    return row ? toSubscription(row) : null;
  }

  async list(keyId: string, expired: boolean, now: string, offset: number, limit: number): Promise<Subscription[]> {
    return (expired ? this.listExpired : this.listActive).all(keyId, now, limit, offset).map(toSubscription);
  }

  async setExpiry(id: string, expiresAt: string): Promise<void> {
    this.expiry.run(expiresAt, id);
  }

  async delete(id: string, at: string): Promise<boolean> {
    return this.remove.run(at, id).changes === 1;
  }

  async active(dataset: Subscription['dataset'], now: string): Promise<Subscription[]> {
    return this.activeStmt.all(dataset, now).map(toSubscription);
  }

  private select<T>(ids: readonly number[], sql: (marks: string) => string, params: unknown[] = []): T[] {
    const out: T[] = [];
    for (let i = 0; i < ids.length; i += chunk) {
      const part = ids.slice(i, i + chunk);
      out.push(...(this.db.prepare(sql(part.map(() => '?').join(','))).all(...params, ...part) as T[]));
    }
    return out;
  }

  async members(subscriptionId: string, ids: readonly number[]): Promise<Set<number>> {
    const rows = this.select<{ member_id: number }>(ids, (m) => `SELECT member_id FROM subscription_members WHERE subscription_id = ? AND member_id IN (${m})`, [subscriptionId]);
    return new Set(rows.map((r) => r.member_id));
  }

  async subscribersOf(ids: readonly number[]): Promise<Map<number, string[]>> {
    const rows = this.select<{ member_id: number; subscription_id: string }>(
      ids,
      (m) => `SELECT sm.member_id, sm.subscription_id FROM subscription_members sm JOIN subscriptions s ON s.id = sm.subscription_id
              WHERE s.selection = 'ids' AND sm.member_id IN (${m})`,
    );
    const out = new Map<number, string[]>();
    for (const r of rows) out.set(r.member_id, [...(out.get(r.member_id) ?? []), r.subscription_id]);
    return out;
  }

  async cursor(name: string): Promise<{ seq: number; ranAt: number }> {
    const row = this.cursorStmt.get(name);
    return { seq: row?.seq ?? 0, ranAt: row?.ran_at ?? 0 };
  }

  async commit(batch: NotificationBatch, now: number): Promise<boolean> {
    return this.commitTx.immediate(batch, now);
  }
}
