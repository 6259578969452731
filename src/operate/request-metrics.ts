// The per-request metrics (answers by route group and status, and their latency by group) kept as
// plain numbers and turned into Prometheus samples only when scraped. prom-client's labelled
// counters and histograms hash their labels on every call, even through a bound child: with the
// request log, ~1.7 µs of every collect (a CPU profile of bench:collect). Here a request costs a
// Map lookup, two additions and a short bucket scan.
import type { Registry } from 'prom-client';

interface Sample {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

interface Exposed {
  reset(): void;
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  get(): { name: string; help: string; type: string; values: Sample[]; aggregator: 'sum' };
}

interface GroupTimes {
  /** Answers at or under each bound (not cumulative: summed when scraped). */
  readonly buckets: number[];
  count: number;
  sum: number;
}

export class RequestMetrics {
  private readonly answers = new Map<string, { group: string; status: number; n: number }>();
  private readonly times = new Map<string, GroupTimes>();

  constructor(registry: Registry, countName: string, countHelp: string, timeName: string, timeHelp: string, private readonly bounds: readonly number[]) {
    const counter: Exposed = {
      reset: () => this.answers.clear(),
      name: countName, help: countHelp, type: 'counter', aggregator: 'sum',
      get: () => ({
        name: countName, help: countHelp, type: 'counter', aggregator: 'sum',
        values: [...this.answers.values()].map((a) => ({ value: a.n, labels: { group: a.group, status: String(a.status) } })),
      }),
    };
    const histogram: Exposed = {
      reset: () => this.times.clear(),
      name: timeName, help: timeHelp, type: 'histogram', aggregator: 'sum',
      get: () => {
        const values: Sample[] = [];
        for (const [group, t] of this.times) {
          let cumulative = 0;
          this.bounds.forEach((le, i) => {
            cumulative += t.buckets[i]!;
            values.push({ metricName: `${timeName}_bucket`, value: cumulative, labels: { le, group } });
          });
          values.push({ metricName: `${timeName}_bucket`, value: t.count, labels: { le: '+Inf', group } });
          values.push({ metricName: `${timeName}_sum`, value: t.sum, labels: { group } });
          values.push({ metricName: `${timeName}_count`, value: t.count, labels: { group } });
        }
        return { name: timeName, help: timeHelp, type: 'histogram', aggregator: 'sum', values };
      },
    };
    registry.registerMetric(counter as never);
    registry.registerMetric(histogram as never);
  }

  /** Counts one answered request and its time. */
  answered(group: string, status: number, seconds: number): void {
    const k = `${group} ${status}`;
    const a = this.answers.get(k);
    if (a) a.n += 1;
    else this.answers.set(k, { group, status, n: 1 });
    let t = this.times.get(group);
    if (!t) {
      t = { buckets: this.bounds.map(() => 0), count: 0, sum: 0 };
      this.times.set(group, t);
    }
    t.count += 1;
    t.sum += seconds;
    for (let i = 0; i < this.bounds.length; i++) {
      if (seconds <= this.bounds[i]!) {
        t.buckets[i]! += 1;
        break;
      }
    }
  }

  /** Answers counted for a group and status (tests). */
  count(group: string, status: number): number {
    return this.answers.get(`${group} ${status}`)?.n ?? 0;
  }
}
