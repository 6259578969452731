// rollcall generate --people N [--seed S] [--snapshot K] --out DIR
import { writeDatasets } from '../generator/write-datasets.js';
import { intFlag, parse, UsageError, type Output } from './args.js';

export async function generateCommand(args: string[], io: Output): Promise<number> {
  const { values } = parse(args, {
    people: { type: 'string' },
    seed: { type: 'string' },
    snapshot: { type: 'string' },
    out: { type: 'string' },
  });
  if (!values.out) throw new UsageError('generate needs --out DIR');
  if (values.people === undefined) throw new UsageError('generate needs --people N');
  const people = intFlag(values.people, '--people', 0, 1);
  const started = performance.now();
  let last = 0;
  const result = await writeDatasets({
    people,
    seed: intFlag(values.seed, '--seed', 1),
    snapshot: intFlag(values.snapshot, '--snapshot', 0),
    outDir: values.out,
    onProgress: (done) => {
      if (io.isTTY && done - last >= 10_000) {
        last = done;
        process.stderr.write(`\r${done}/${people} people`);
      }
    },
  });
  if (io.isTTY) process.stderr.write('\n');
  const seconds = (performance.now() - started) / 1000;
  io.out(`wrote ${result.people} people to ${Object.values(result.files).join(', ')} in ${seconds.toFixed(1)} s (${Math.round(result.people / Math.max(seconds, 0.001))} people/s)`);
  return 0;
}
