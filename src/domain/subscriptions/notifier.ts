// Turns the change log into subscription webhooks. Each run reads changes past the cursor, works
// out which subscriptions each one concerns, and commits the deliveries (arrays of at most
// `batchItems` items), the match-set updates of query subscriptions and the new cursor in ONE
// transaction: a crash anywhere means the run is redone, never half-done or done twice.
import { randomUUID } from 'node:crypto';
import type { SubscriptionsConfig } from '../../config/config.js';
import type { DatasetDefinition } from '../../datasets/datasets.js';
import type { Query } from '../../query/ast.js';
import { parseSearchRequest } from '../../query/parse-request.js';
import { matches } from '../../query/reference/reference-matcher.js';
import type { ChangeEvent, NewDelivery, Store, Subscription } from '../../store/store.js';
import type { Clock } from '../../util/clock.js';

export interface NotifierDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: SubscriptionsConfig;
  readonly dataset: DatasetDefinition;
}

type Item = { member_id: number; status: string; changed_fields?: string[] | null };

/** Changes read per transaction. */
const step = 5000;
const period = { immediate: 0, daily: 86_400_000, weekly: 7 * 86_400_000 } as const;

export class Notifier {
  private seenSeq = -1;
  private seenAt = 0;
  private readonly queries = new Map<string, Query>();

  constructor(private readonly deps: NotifierDeps) {}

  /** Runs when changes are waiting and the schedule allows; returns how many webhooks it queued. */
  async run(): Promise<number> {
    const { store, clock, config, dataset } = this.deps;
    const name = dataset.name;
    const last = await store.employees.lastChangeSeq(name);
    const cursor = await store.subscriptions.cursor(name);
    if (last <= cursor.seq) return 0;
    const now = clock.now();
    // After each import: wait until the change log has been quiet for a moment, so one import
    // gives each subscriber one set of deliveries rather than one per committed batch.
    if (last !== this.seenSeq) {
      this.seenSeq = last;
      this.seenAt = now;
    }
    if (now - this.seenAt < config.quietMs) return 0;
    if (now - cursor.ranAt < period[config.schedule]) return 0;
    const active = await store.subscriptions.active(name, new Date(now).toISOString());
    let queued = 0;
    // Changes before every active subscription began concern nobody: skip them in one step (the
    // first run after a 1M import otherwise walked a million "created" rows, 1.6 s).
    const from = active.length === 0 ? last : Math.max(cursor.seq, Math.min(...active.map((s) => s.startSeq)));
    if (from > cursor.seq) {
      if (!(await store.subscriptions.commit({ cursorName: name, from: cursor.seq, cursor: from, deliveries: [], added: [], removed: [], notified: [], at: new Date(now).toISOString() }, now))) return 0;
    }
    let at = from;
    for (;;) {
      const changes = await store.employees.changesSince(name, at, step);
      if (changes.length === 0) break;
      const batch = await this.match(active, changes);
      const next = changes[changes.length - 1]!.seq;
      // Another node may have notified these changes meanwhile: then this batch is dropped.
      if (!(await store.subscriptions.commit({ cursorName: name, from: at, cursor: next, ...batch, at: new Date(now).toISOString() }, now))) break;
      at = next;
      queued += batch.deliveries.length;
    }
    return queued;
  }

  private query(s: Subscription): Query {
    let q = this.queries.get(s.id);
    if (!q) {
      q = parseSearchRequest(JSON.parse(s.query!), { mapping: this.deps.dataset.mapping, now: this.deps.clock.now() }).query;
      this.queries.set(s.id, q);
    }
    return q;
  }

  private async match(active: readonly Subscription[], changes: readonly ChangeEvent[]) {
    const { store, dataset, config } = this.deps;
    const items = new Map<Subscription, Item[]>();
    const push = (s: Subscription, item: Item): void => {
      const list = items.get(s);
      if (list) list.push(item);
      else items.set(s, [item]);
    };
    const added: [string, number][] = [];
    const removed: [string, number][] = [];
    const ids = changes.map((c) => c.id);
    const byIds = active.some((s) => s.selection === 'ids') ? await store.subscriptions.subscribersOf(ids) : new Map<number, string[]>();
    const queries = active.filter((s) => s.selection === 'es_dsl');
    // Query subscriptions look at the records as they are now.
    const records = new Map<number, Record<string, unknown>>();
    if (queries.length > 0) {
      const json = await store.employees.getManyJson(dataset.name, ids);
      json.forEach((j, i) => j !== null && records.set(ids[i]!, JSON.parse(j) as Record<string, unknown>));
    }
    const wereMembers = new Map<string, Set<number>>();
    for (const s of queries) if (s.type === 'profile_changes') wereMembers.set(s.id, await store.subscriptions.members(s.id, ids));

    for (const c of changes) {
      const fields = [...c.fields];
      const listedIn = new Set(byIds.get(c.id) ?? []);
      for (const s of active) {
        if (c.seq <= s.startSeq) continue;
        const tracked = s.trackedFields === null ? fields : fields.filter((f) => s.trackedFields!.includes(f));
        if (s.type === 'experience_changes') {
          if (!c.experience) continue;
          const concerned = s.selection === 'all' || (s.selection === 'ids' && listedIn.has(s.id))
            || (s.selection === 'es_dsl' && records.has(c.id) && matches(this.query(s), { obj: records.get(c.id)!, base: '' }));
          if (concerned) push(s, { member_id: c.id, status: 'changed' });
        } else if (s.selection === 'ids') {
          if (listedIn.has(s.id) && !c.created && tracked.length > 0) push(s, { member_id: c.id, status: 'changed', changed_fields: tracked });
        } else if (s.selection === 'es_dsl') {
          const was = wereMembers.get(s.id)!.has(c.id);
          const now = records.has(c.id) && matches(this.query(s), { obj: records.get(c.id)!, base: '' });
          if (!was && now) {
            push(s, { member_id: c.id, status: 'started_matching_query', changed_fields: null });
            added.push([s.id, c.id]);
            wereMembers.get(s.id)!.add(c.id);
          } else if (was && !now) {
            push(s, { member_id: c.id, status: 'stopped_matching_query', changed_fields: null });
            removed.push([s.id, c.id]);
            wereMembers.get(s.id)!.delete(c.id);
          } else if (was && now && !c.created && tracked.length > 0) {
            push(s, { member_id: c.id, status: 'changed', changed_fields: tracked });
          }
        }
      }
    }
    const deliveries: NewDelivery[] = [];
    for (const [s, list] of items) {
      for (let i = 0; i < list.length; i += config.batchItems) {
        deliveries.push({ id: randomUUID(), keyId: s.keyId, url: s.webhookUrl, body: JSON.stringify(list.slice(i, i + config.batchItems)), topic: 'subscription', ref: s.id });
      }
    }
    return { deliveries, added, removed, notified: [...items.keys()].map((s) => s.id) };
  }
}
