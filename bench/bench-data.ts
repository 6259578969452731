// Cached benchmark inputs under .bench-data/ (git-ignored): generated once, reused by later runs.
import { createReadStream, createWriteStream, existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { multiSourceFromClean } from '../src/generator/multi-source-shape.js';
import { writeDatasets } from '../src/generator/write-datasets.js';
import { packageRoot } from '../src/util/package-root.js';
import { loadConfig } from '../src/config/config.js';
import { importFile } from '../src/ingest/import-file.js';
import { openRuntime } from '../src/runtime.js';

export const benchRoot = (): string => join(packageRoot(), '.bench-data');

/** Path of `employee_clean.jsonl.gz` (and `employee.jsonl.gz`) for N people, seed 1, snapshot 0. */
export async function generatedPeople(people: number): Promise<{ clean: string; v1: string }> {
  const outDir = join(benchRoot(), `people-${people}`);
  const clean = join(outDir, 'employee_clean.jsonl.gz');
  const v1 = join(outDir, 'employee.jsonl.gz');
  if (!existsSync(join(outDir, 'done'))) {
    const started = performance.now();
    console.error(`generating ${people} people into ${outDir} ...`);
    await writeDatasets({ people, seed: 1, snapshot: 0, outDir });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(outDir, 'done'), new Date().toISOString());
    console.error(`generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { clean, v1 };
}

/**
 * Path of `employee_multi_source.jsonl.gz` for N people: written with the others by the generator;
 * for inputs cached before that dataset existed, derived once from their Clean file (the same
 * transform the generator applies).
 */
export async function generatedMultiSource(people: number): Promise<string> {
  const { clean } = await generatedPeople(people);
  const file = join(benchRoot(), `people-${people}`, 'employee_multi_source.jsonl.gz');
  if (!existsSync(file)) {
    console.error(`deriving ${file} from the Clean records ...`);
    const lines = createInterface({ input: createReadStream(clean).pipe(createGunzip()), crlfDelay: Infinity });
    async function* derived(): AsyncGenerator<string> {
      for await (const line of lines) if (line.trim() !== '') yield `${JSON.stringify(multiSourceFromClean(JSON.parse(line) as Record<string, unknown>))}\n`;
    }
    await pipeline(derived, createGzip({ level: 6 }), createWriteStream(`${file}.tmp`));
    renameSync(`${file}.tmp`, file);
  }
  return file;
}


/**
 * The data dir of bench:search's store of N people (`search-N`): their Clean records, and with
 * `withMulti` their Multi-source ones, imported once.
 */
export async function searchStore(people: number, withMulti: boolean): Promise<string> {
  const dataDir = join(benchRoot(), `search-${people}`);
  const rt = await openRuntime(loadConfig({}, { dataDir }));
  try {
    if ((await rt.store.employees.count('employee_clean')) < people) {
      const files = await generatedPeople(people);
      const report = await importFile(rt.store, rt.datasets.employee_clean, files.clean);
      console.error(`imported ${report.imported} in ${report.seconds.toFixed(0)} s`);
    }
    if (withMulti && (await rt.store.employees.count('employee_multi_source')) < people) {
      const report = await importFile(rt.store, rt.datasets.employee_multi_source, await generatedMultiSource(people));
      console.error(`imported ${report.imported} multi-source records in ${report.seconds.toFixed(0)} s`);
    }
  } finally {
    await rt.store.close();
  }
  return dataDir;
}
