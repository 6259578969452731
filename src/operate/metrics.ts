// Prometheus metrics of one server process (prom-client, its own registry). Counters move with
// the requests this process answers; the gauges of jobs, deliveries, records and disk are read
// from the store at each scrape, so every node reports the same shared figures for those.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestMetrics } from './request-metrics.js';
import { datasetNames } from '../datasets/datasets.js';
import type { DataRequestState, DeliveryState, Store } from '../store/store.js';

const jobStates: readonly DataRequestState[] = ['queued', 'running', 'completed', 'empty', 'failed', 'expired'];
const deliveryStates: readonly DeliveryState[] = ['pending', 'delivered', 'dead'];

/** The record counts are read again at most this often (ms). */
export const countsRefreshMs = 30_000;

/** `load`'s last answer until `ms` after it settled; one load at a time; a failed load is not kept. */
function cached<T>(ms: number, load: () => Promise<T>): () => Promise<T> {
  let last: { settledAt: number | null; value: Promise<T> } | null = null;
  return () => {
    if (last === null || (last.settledAt !== null && Date.now() - last.settledAt > ms)) {
      const entry: { settledAt: number | null; value: Promise<T> } = { settledAt: null, value: load() };
      last = entry;
      entry.value.then(() => {
        entry.settledAt = Date.now();
      }, () => {
        if (last === entry) last = null;
      });
    }
    return last.value;
  };
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests: RequestMetrics;
  readonly credits: Counter<'pool'>;
  readonly searchTimeouts: Counter;

  /** Counts one answered request and its time. */
  answered(group: string, status: number, seconds: number): void {
    this.requests.answered(group, status, seconds);
  }

  constructor(store: Store) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    // Gauges that prom-client names like counters, which promtool's lint refuses.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) this.registry.removeSingleMetric(name);
    this.requests = new RequestMetrics(
      this.registry,
      'rollcall_http_requests_total', 'Requests answered, by route group and status.',
      'rollcall_http_request_duration_seconds', 'Time from request to answer, by route group.',
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    );
    this.credits = new Counter({ name: 'rollcall_credits_charged_total', help: 'Credits charged by API requests answered here, by pool.', labelNames: ['pool'], registers });
    this.searchTimeouts = new Counter({ name: 'rollcall_search_budget_refusals_total', help: 'Searches answered 503 for passing the search time budget.', registers });
    // The two job gauges read the same counts: one query per scrape, not one each.
    const jobCounts = cached(500, () => store.overview.dataRequestStates());
    new Gauge({
      name: 'rollcall_data_requests', help: 'Bulk data requests by state (every node of the store).', labelNames: ['state'], registers,
      async collect() {
        const counts = await jobCounts();
        for (const s of jobStates) this.set({ state: s }, counts[s] ?? 0);
      },
    });
    new Gauge({
      name: 'rollcall_bulk_queue_depth', help: 'Bulk data requests waiting for a worker.', registers,
      async collect() {
        this.set((await jobCounts()).queued ?? 0);
      },
    });
    new Gauge({
      name: 'rollcall_webhook_deliveries', help: 'Webhook deliveries by state: pending, delivered, dead (failed for good).', labelNames: ['state'], registers,
      async collect() {
        const counts = await store.overview.deliveryStates();
        for (const s of deliveryStates) this.set({ state: s }, counts[s] ?? 0);
      },
    });
    // Counting a dataset's records reads a whole index (PostgreSQL: the whole table) at a million
    // people; a scrape every few seconds must not do that each time.
    const recordCounts = cached(countsRefreshMs, () => Promise.all(datasetNames.map(async (d) => [d, await store.employees.count(d)] as const)));
    const pendingCounts = cached(countsRefreshMs, () => Promise.all(datasetNames.map(async (d) => [d, await store.employees.pendingIndex(d)] as const)));
    new Gauge({
      name: 'rollcall_records', help: 'Records stored, by dataset (counted at most every 30 s).', labelNames: ['dataset'], registers,
      async collect() {
        for (const [d, n] of await recordCounts()) this.set({ dataset: d }, n);
      },
    });
    new Gauge({
      name: 'rollcall_index_pending', help: 'Records stored but not yet searchable (import --defer-index, rollcall index), by dataset (counted at most every 30 s).', labelNames: ['dataset'], registers,
      async collect() {
        for (const [d, n] of await pendingCounts()) this.set({ dataset: d }, n);
      },
    });
    new Gauge({
      name: 'rollcall_replica_healthy', help: 'Read replicas in use (1) or skipped for being down or behind (0).', labelNames: ['replica'], registers,
      collect() {
        for (const r of store.replicaStatus?.() ?? []) this.set({ replica: r.name }, r.healthy ? 1 : 0);
      },
    });
    new Gauge({
      name: 'rollcall_replica_lag_seconds', help: 'How far each read replica was behind the primary at its last check.', labelNames: ['replica'], registers,
      collect() {
        for (const r of store.replicaStatus?.() ?? []) if (r.lagMs !== null) this.set({ replica: r.name }, r.lagMs / 1000);
      },
    });
    new Gauge({
      name: 'rollcall_store_bytes', help: 'Bytes the store takes on disk (the database size on PostgreSQL).', registers,
      async collect() {
        this.set(await store.diskBytes());
      },
    });
  }
}
