// A real Rollcall on a real SQLite file in a temp dir, driven through fastify.inject().
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config, type Env } from '../../src/config/config.js';
import { createKey, type CreatedKey, type NewKeyInput } from '../../src/domain/keys.js';
import type { DatasetName } from '../../src/datasets/datasets.js';
import { generatePeople } from '../../src/generator/people-generator.js';
import { buildApp } from '../../src/http/app.js';
import { importFile, type ImportOptions } from '../../src/ingest/import-file.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import type { Clock } from '../../src/util/clock.js';
import { Workers } from '../../src/domain/workers.js';
import { createTestDatabase, testStore } from './pg-database.js';
import type { SendOptions } from '../../src/webhooks/webhook-sender.js';

export class FakeClock implements Clock {
  constructor(public ms = Date.UTC(2026, 0, 15, 12, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Temporary directories this test process made: removed when it exits, whatever each test did. */
const made: string[] = [];

export async function tempDir(prefix = 'rollcall-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  if (made.length === 0) process.once('exit', () => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  made.push(dir);
  return dir;
}

export interface Harness {
  readonly dir: string;
  readonly config: Config;
  readonly rt: Runtime;
  readonly app: FastifyInstance;
  readonly clock: FakeClock;
  /** CLI flags that open this harness's store (`--data-dir`, and `--database-url` on PostgreSQL runs). */
  readonly storeArgs: string[];
  /** The background workers (bulk jobs, webhooks), when asked for; not started. */
  readonly workers: Workers | null;
  key(input?: Partial<NewKeyInput>): Promise<CreatedKey>;
  /** Writes records as JSONL(.gz) and imports them through the real import path. */
  importRecords(dataset: DatasetName, records: readonly unknown[], gzip?: boolean, options?: ImportOptions): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly searchWorkers?: boolean;
  /** Builds (does not start) the background workers. */
  readonly workers?: boolean;
  /** Webhook send options for those workers (e.g. a fake DNS). */
  readonly send?: Partial<SendOptions>;
}

/**
 * No rate limits on the data routes: the fake clock stands still, so buckets would never refill
 * (rate limits have their own tests).
 */
export const noDataRateLimits = {
  ROLLCALL_RATE_LIMIT_BULK: '0',
  ROLLCALL_RATE_LIMIT_BULK_FILES: '0',
  ROLLCALL_RATE_LIMIT_COLLECT: '0',
  ROLLCALL_RATE_LIMIT_SEARCH: '0',
} as const;

export async function makeHarness(env: Env = {}, options: HarnessOptions = {}): Promise<Harness> {
  const dir = await tempDir();
  // ROLLCALL_TEST_STORE=postgres runs the same tests on a fresh PostgreSQL database.
  const database = testStore() === 'postgres' ? await createTestDatabase() : null;
  const config = loadConfig({ ROLLCALL_LOG_LEVEL: 'silent', ...env }, { dataDir: dir, databaseUrl: database?.url });
  const clock = new FakeClock();
  // On PostgreSQL the store keeps a copy of the search postings, built at each import's end, so
  // the suites search it as a server does once its copy is current (run-tests also runs the
  // query suites without it: ROLLCALL_TEST_POSTINGS_COPY=0).
  const rt = await openRuntime(config, clock, { postingsCache: process.env['ROLLCALL_TEST_POSTINGS_COPY'] !== '0', ...options });
  const log = (message: string, error?: unknown): void => console.error(message, error);
  const workers = options.workers ? new Workers({ ...rt, log, ...(options.send ? { send: options.send } : {}) }) : null;
  const app = await buildApp(config, rt, { logger: false, onDataRequest: () => workers?.wake(), onWebhookQueued: () => workers?.wakeDispatcher() });
  await app.ready();
  let files = 0;
  return {
    dir, config, rt, app, clock, workers,
    storeArgs: ['--data-dir', dir, ...(config.databaseUrl ? ['--database-url', config.databaseUrl] : [])],
    key: (input = {}) => createKey(rt, { searchCredits: 100, collectCredits: 100, ...input }),
    async importRecords(dataset, records, gzip = false, options = {}) {
      const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
      const file = join(dir, `import-${files++}.jsonl${gzip ? '.gz' : ''}`);
      await writeFile(file, gzip ? gzipSync(text) : text);
      const report = await importFile(rt.store, rt.datasets[dataset], file, options);
      if (report.rejected > 0) throw new Error(`fixture import rejected ${report.rejected} records`);
    },
    async close() {
      await workers?.stop();
      await app.close();
      await rt.store.close();
      await database?.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A handful of generated people (both datasets), deterministic. */
export function people(n = 20, seed = 7): { clean: Record<string, unknown>[]; v1: Record<string, unknown>[] } {
  const clean: Record<string, unknown>[] = [];
  const v1: Record<string, unknown>[] = [];
  for (const p of generatePeople({ people: n, seed, snapshot: 0 })) {
    clean.push(p.clean);
    v1.push(p.v1);
  }
  return { clean, v1 };
}
