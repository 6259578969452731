// What the test scripts share: running a command (as another user when root), finding a program
// on PATH, and installing a Debian package the tests need (PostgreSQL, Prometheus's promtool,
// Chromium) with apt-get when it is missing, so a fresh machine runs the whole suite.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export const lastLines = (s, n = 30) => s.trimEnd().split('\n').slice(-n).join('\n');

/** Runs a command (as `user` when given, i.e. when we are root), collecting its combined output. */
export function run(cmd, args, { user = null, cwd, timeoutMs = 600_000, env = {} } = {}) {
  const [file, argv] = user ? asUser(user, cmd, args) : [cmd, args];
  const childEnv = { ...process.env, ...env };
  for (const k of ['PGDATA', 'PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGOPTIONS']) delete childEnv[k];
  return new Promise((resolve) => {
    let output = '';
    let child;
    try {
      child = spawn(file, argv, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      resolve({ code: -1, output: String(err?.message ?? err) });
      return;
    }
    const timer = setTimeout(() => { output += `\n(timed out after ${timeoutMs / 1000}s)`; child.kill('SIGKILL'); }, timeoutMs);
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', (err) => { clearTimeout(timer); resolve({ code: -1, output: output + String(err.message) }); });
    child.once('close', (code, signal) => { clearTimeout(timer); resolve({ code: code ?? (signal ? 128 : -1), output }); });
  });
}

export const shQuote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

export function asUser(user, cmd, args) {
  if (onPath('runuser')) return ['runuser', ['-u', user, '--', cmd, ...args]];
  return ['su', [user, '-s', '/bin/sh', '-c', [cmd, ...args].map(shQuote).join(' ')]];
}

export function onPath(name) {
  for (const d of (process.env.PATH || '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
    if (!d) continue;
    try { accessSync(join(d, name), constants.X_OK); return join(d, name); } catch { /* next */ }
  }
  return null;
}

/**
 * Installs a Debian package (`apt-get install -y --no-install-recommends`), running `apt-get update`
 * and trying again once when the first attempt fails. `why` says what is missing, for the errors.
 */
export async function aptInstall(pkg, why) {
  if (!isRoot) throw new Error(`${why}; install it as root with: apt-get install -y --no-install-recommends ${pkg}`);
  if (!onPath('apt-get')) throw new Error(`${why}, and apt-get is not available to install Debian's ${pkg} package`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-q', '--no-install-recommends', pkg], { env });
  let r = await install();
  if (r.code === 0) return;
  const u = await run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update', '-q'], { env });
  if (u.code !== 0) {
    throw new Error(`could not install ${pkg}: apt-get install failed (exit ${r.code}) and apt-get update failed (exit ${u.code})\n--- apt-get install ---\n${lastLines(r.output)}\n--- apt-get update ---\n${lastLines(u.output)}`);
  }
  r = await install();
  if (r.code !== 0) throw new Error(`could not install ${pkg}: apt-get install -y --no-install-recommends ${pkg} exited with ${r.code}\n${lastLines(r.output)}`);
}

/** The path of `binary`, installing Debian's `pkg` first when it is not on PATH. */
export async function ensureTool(binary, pkg, log) {
  const found = onPath(binary);
  if (found) return found;
  const t0 = Date.now();
  log(`${binary} not found; installing Debian's ${pkg} package (apt-get install -y --no-install-recommends ${pkg})...`);
  await aptInstall(pkg, `${binary} is not installed`);
  const installed = onPath(binary);
  if (!installed) throw new Error(`installed Debian's ${pkg} package, but ${binary} is still not on PATH`);
  log(`installed ${pkg} (${installed}) in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return installed;
}
