// Makes a fresh clone runnable: installs the locked dependencies when they are missing or stale,
// compiles the TypeScript sources, and links the `rollcall` command into node_modules/.bin.
// Safe to run any number of times; it only does work that is out of date.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, symlinkSync, mkdirSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

const lockHash = createHash('sha256').update(readFileSync(join(root, 'package-lock.json'))).digest('hex');
const stamp = join(root, 'node_modules', '.rollcall-lock-hash');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockHash) {
  console.error('rollcall setup: installing dependencies (npm ci; better-sqlite3 and roaring compile from source, ~1-2 min)...');
  run(npm, ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stamp, lockHash);
}

// The build is skipped when no source file changed since the last one (a restart then costs no
// compile: tsc takes ~8 s on 2 cores even when nothing changed).
function sourceStamp() {
  const hash = createHash('sha256').update(lockHash);
  const visit = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = join(dir, entry.name);
      if (entry.isDirectory()) visit(rel);
      else if (/\.(ts|tsx|json|css|html)$/.test(entry.name)) {
        const st = statSync(join(root, rel));
        hash.update(`${rel}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  for (const dir of ['src', 'test', 'bench', 'console']) visit(dir);
  hash.update(readFileSync(join(root, 'tsconfig.json')));
  return hash.digest('hex');
}
const built = join(root, 'dist', '.rollcall-source-stamp');
const sources = sourceStamp();
if (!existsSync(built) || readFileSync(built, 'utf8') !== sources) {
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
  // The web console (/console/): a Preact app bundled by esbuild.
  run(process.execPath, [join(root, 'scripts', 'build-console.mjs')]);
  writeFileSync(built, sources);
}

const binDir = join(root, 'node_modules', '.bin');
const link = join(binDir, 'rollcall');
mkdirSync(binDir, { recursive: true });
let linked = false;
try { linked = lstatSync(link).isSymbolicLink(); } catch { linked = false; }
if (!linked) symlinkSync(join('..', '..', 'bin', 'rollcall.js'), link);
