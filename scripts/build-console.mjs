// Builds the web console (console/) into dist/console/ with esbuild: one bundled, minified ES
// module of the Preact app and uPlot, beside the page and its styles. Run by scripts/setup.mjs
// when a console source changed; the server serves dist/console/ at /console/.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'console');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, 'console', 'src', 'main.tsx')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
});
copyFileSync(join(root, 'console', 'index.html'), join(out, 'index.html'));
copyFileSync(join(root, 'console', 'console.css'), join(out, 'console.css'));
const require = createRequire(import.meta.url);
copyFileSync(join(dirname(require.resolve('uplot/package.json')), 'dist', 'uPlot.min.css'), join(out, 'uPlot.min.css'));
