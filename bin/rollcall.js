#!/usr/bin/env node
// The `rollcall` command. The TypeScript sources are compiled to dist/ by `npm run build`
// (or by scripts/setup.mjs, which `npm start` and `npm test` run first).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('rollcall: not built yet. Run `node scripts/setup.mjs` (or `npm start`) from the repository root first.');
  process.exit(1);
}
// A reader that went away (`rollcall import … | head -1`): its closed pipe is not an error of the
// command; what is written after it is dropped (src/cli/args.ts).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
const { runCli } = await import(main.href);
process.exitCode = await runCli(process.argv.slice(2));
