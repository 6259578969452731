// Cached benchmark inputs under .bench-data/ (git-ignored): generated once, reused by later runs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeDatasets } from '../src/generator/write-datasets.js';
import { packageRoot } from '../src/util/package-root.js';

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

