// First-run setup for `rollcall serve --demo`: generated people in every dataset and a demo key,
// made once per data dir, with an admin token. The server starts answering as soon as the first 1,000 people are in;
// the rest (10,000 by default, ROLLCALL_DEMO_PEOPLE) are imported in the background while it
// serves, and a restart before they are all in carries on where it stopped (re-importing a record
// that is already stored costs a comparison, not a write). The key is kept in demo-key.json (mode
// 0600) so that every later start can print the same ready-to-paste curl line.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetNames } from '../datasets/datasets.js';
import { createKey, type CreatedKey } from '../domain/keys.js';
import { createAdminToken } from '../operate/admin-tokens.js';
import { importFile } from '../ingest/import-file.js';
import type { Runtime } from '../runtime.js';
import type { Output } from './args.js';

/** People imported before the server starts answering. */
export const demoFirstPeople = 1_000;
const demoSeed = 42;
/**
 * Records per transaction in the background: the embedded store writes on the thread that serves
 * requests, so small batches keep each pause short (~0.1 s).
 */
const backgroundBatch = 200;

async function importAll(rt: Runtime, io: Output, people: number, outDir: string, options: { batchSize?: number; signal?: AbortSignal } = {}): Promise<void> {
  // Person i is the same whatever the count, so the first people of the full set are the first set.
  // Loaded only when demo data is made (a restart of a complete demo never needs the generator).
  const { writeDatasets } = await import('../generator/write-datasets.js');
  let written: Awaited<ReturnType<typeof writeDatasets>>;
  try {
    written = await writeDatasets({ people, seed: demoSeed, snapshot: 0, outDir, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    if (options.signal?.aborted) return;
    throw error;
  }
  for (const dataset of datasetNames) {
    if (options.signal?.aborted) return;
    const report = await importFile(rt.store, rt.datasets[dataset], written.files[dataset], options);
    io.err(`rollcall: demo: ${report.imported} ${dataset} records in ${report.seconds.toFixed(1)} s`);
  }
}

export interface Demo {
  readonly key: CreatedKey;
  /** An admin token for /admin/v1, /metrics and the console (kept beside the key). */
  readonly adminToken: string;
  /** Imports the rest of the demo people (nothing when they are all in); stops early when aborted. */
  grow(signal: AbortSignal): Promise<void>;
}

export async function ensureDemo(rt: Runtime, io: Output): Promise<Demo> {
  const keyFile = join(rt.config.dataDir, 'demo-key.json');
  const doneFile = join(rt.config.dataDir, 'demo', 'complete');
  const total = rt.config.demoPeople;
  const first = Math.min(demoFirstPeople, total);
  let saved: CreatedKey & { admin_token?: string };
  if (existsSync(keyFile)) saved = JSON.parse(readFileSync(keyFile, 'utf8')) as CreatedKey;
  else {
    io.err(`rollcall: new data dir ${rt.config.dataDir}: generating the first ${first} of ${total} demo people...`);
    await importAll(rt, io, first, join(rt.config.dataDir, 'demo', 'first'));
    saved = await createKey(rt, { name: 'demo', searchCredits: 10_000, collectCredits: 10_000 });
    if (first === total) writeFileSync(doneFile, `${total}\n`);
  }
  // A demo data dir made before admin tokens existed gets its token on the next start.
  if (saved.admin_token === undefined) {
    saved = { ...saved, admin_token: (await createAdminToken(rt, 'demo')).token };
    writeFileSync(keyFile, JSON.stringify(saved, null, 2) + '\n', { mode: 0o600 });
  }
  const { admin_token: adminToken, ...key } = saved;
  return {
    key,
    adminToken: adminToken!,
    async grow(signal) {
      if (existsSync(doneFile)) return;
      io.err(`rollcall: demo: importing the other demo people in the background (${total} in all)...`);
      const started = performance.now();
      await importAll(rt, io, total, join(rt.config.dataDir, 'demo', 'all'), { batchSize: backgroundBatch, signal });
      if (signal.aborted) return;
      writeFileSync(doneFile, `${total}\n`);
      io.err(`rollcall: demo data complete: ${total} people in every dataset (${((performance.now() - started) / 1000).toFixed(0)} s in the background)`);
    },
  };
}
