// First-run setup for `rollcall serve --demo`: 10,000 generated people in every dataset and a
// demo key, made once per data dir. The key is kept in demo-key.json (mode 0600) so that every
// later start can print the same ready-to-paste curl line.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetNames } from '../datasets/datasets.js';
import { createKey, type CreatedKey } from '../domain/keys.js';
import { writeDatasets } from '../generator/write-datasets.js';
import { importFile } from '../ingest/import-file.js';
import type { Runtime } from '../runtime.js';
import type { Output } from './args.js';

export const demoPeople = 10_000;
const demoSeed = 42;

export async function ensureDemo(rt: Runtime, io: Output): Promise<CreatedKey> {
  const keyFile = join(rt.config.dataDir, 'demo-key.json');
  if (existsSync(keyFile)) return JSON.parse(readFileSync(keyFile, 'utf8')) as CreatedKey;
  io.err(`rollcall: new data dir ${rt.config.dataDir}: generating ${demoPeople} demo people...`);
  const outDir = join(rt.config.dataDir, 'demo');
  const written = await writeDatasets({ people: demoPeople, seed: demoSeed, snapshot: 0, outDir });
  for (const dataset of datasetNames) {
    const report = await importFile(rt.store, rt.datasets[dataset], written.files[dataset]);
    io.err(`rollcall: imported ${report.imported} ${dataset} records in ${report.seconds.toFixed(1)} s`);
  }
  const key = await createKey(rt, { name: 'demo', searchCredits: 10_000, collectCredits: 10_000 });
  writeFileSync(keyFile, JSON.stringify(key, null, 2) + '\n', { mode: 0o600 });
  return key;
}
