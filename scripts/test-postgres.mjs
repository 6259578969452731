// Starts a throwaway PostgreSQL server for the test suite: a fresh cluster in a temp directory,
// listening on a free loopback port, trust auth, durability switched off for speed.
//
//   import { startTestPostgres } from './test-postgres.mjs';
//   const pg = await startTestPostgres({ log: (m) => console.error(m) });
//   // ... pg.url is postgres://postgres@127.0.0.1:PORT/postgres
//   await pg.stop();
//
// The server binaries come from /usr/lib/postgresql/<version>/bin (highest version); when none
// are there, Debian's `postgresql` package is installed with apt-get (needs root). The Debian
// cluster that package may create is never used. PostgreSQL refuses to run as root, so as root
// initdb and pg_ctl run as the `postgres` OS user.
//
// Run directly (`node scripts/test-postgres.mjs`) to get a server for manual use; it prints the
// URL and stops the server on SIGINT/SIGTERM.
import { spawn } from 'node:child_process';
import { aptInstall, asUser, isRoot, lastLines, onPath, run, shQuote } from './test-tools.mjs';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PG_USER = 'postgres';

/**
 * @param {{ log?: (message: string) => void }} [options]
 * @returns {Promise<{ url: string, port: number, version: string, binDir: string, dir: string, stop: () => Promise<void>, restart: (mode?: 'fast' | 'immediate', downMs?: number) => Promise<void>, addReplica: () => Promise<{ url: string, port: number, stop: () => Promise<void>, start: () => Promise<void> }> }>}
 */
export async function startTestPostgres({ log = (m) => console.error(m) } = {}) {
  const binDir = await findOrInstallServer(log);
  const version = await serverVersion(binDir);
  const osUser = isRoot ? await ensurePostgresUser(log) : null;
  const dir = await makeClusterDir(osUser);
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'log');
  const pgCtl = join(binDir, 'pg_ctl');

  let watchdog = null;
  let stopping = null;
  const replicas = [];
  const stop = () => {
    stopping ??= (async () => {
      for (const r of replicas) await r.stop().catch(() => {});
      if (watchdog) {
        try { process.kill(watchdog.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
      if (existsSync(join(dataDir, 'postmaster.pid'))) {
        await run(pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', '-t', '60', 'stop'], { user: osUser, cwd: dir, timeoutMs: 90_000 });
      }
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    await initCluster(binDir, dataDir, dir, osUser);
    let port = 0;
    let currentOpts = '';
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const opts = [
        '-c listen_addresses=127.0.0.1', `-p ${port}`, `-k '${dir}'`,
        '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off',
        '-c max_connections=200', '-c shared_buffers=128MB',
      ].join(' ');
      currentOpts = opts;
      const r = await run(pgCtl, ['-D', dataDir, '-l', logFile, '-w', '-t', '90', '-o', opts, 'start'], { user: osUser, cwd: dir, timeoutMs: 120_000 });
      if (r.code === 0) break;
      const serverLog = tail(logFile);
      // Another process may have grabbed the port between our probe and the server's bind.
      if (attempt < 3 && /could not (bind|create listen socket)|address already in use/i.test(serverLog)) {
        log(`test-postgres: port ${port} was taken, retrying with another one`);
        await run(pgCtl, ['-D', dataDir, '-m', 'immediate', 'stop'], { user: osUser, cwd: dir });
        continue;
      }
      throw new Error(`PostgreSQL ${version} (${binDir}) did not start: pg_ctl start exited with ${r.code}\n${r.output.trim()}\n--- server log (${logFile}), last lines ---\n${serverLog}`);
    }
    watchdog = startWatchdog({ pgCtl, dataDir, dir, osUser });
    await waitUntilReady(binDir, port, logFile);
    // Stops the server (fast: sessions are terminated; immediate: as after a crash), stays down
    // for `downMs`, and starts it again with the same options (tests of clients riding it out).
    const restart = async (mode = 'fast', downMs = 0) => {
      const down = await run(pgCtl, ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop'], { user: osUser, cwd: dir, timeoutMs: 90_000 });
      if (down.code !== 0) throw new Error(`pg_ctl stop exited with ${down.code}: ${down.output.trim()}`);
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      const up = await run(pgCtl, ['-D', dataDir, '-l', logFile, '-w', '-t', '90', '-o', currentOpts, 'start'], { user: osUser, cwd: dir, timeoutMs: 120_000 });
      if (up.code !== 0) throw new Error(`pg_ctl start exited with ${up.code}: ${up.output.trim()}\n${tail(logFile)}`);
      await waitUntilReady(binDir, port, logFile);
    };
    // A streaming replica of this server: pg_basebackup of the running primary (-R writes the
    // standby settings), started on its own free port. It can be stopped and started again.
    const addReplica = async () => {
      const replicaDir = join(dir, `replica-${replicas.length + 1}`);
      const replicaLog = `${replicaDir}.log`;
      const copied = await run(join(binDir, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(port), '-U', PG_USER, '-D', replicaDir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync'], { user: osUser, cwd: dir, timeoutMs: 120_000 });
      if (copied.code !== 0) throw new Error(`pg_basebackup exited with ${copied.code}: ${copied.output.trim()}`);
      const replicaPort = await freePort();
      const opts = currentOpts.replace(`-p ${port}`, `-p ${replicaPort}`) + ' -c hot_standby=on -c hot_standby_feedback=on';
      let replicaWatchdog = null;
      const start = async () => {
        const up = await run(pgCtl, ['-D', replicaDir, '-l', replicaLog, '-w', '-t', '90', '-o', opts, 'start'], { user: osUser, cwd: dir, timeoutMs: 120_000 });
        if (up.code !== 0) throw new Error(`replica did not start: pg_ctl exited with ${up.code}: ${up.output.trim()}\n${tail(replicaLog)}`);
        replicaWatchdog ??= startWatchdog({ pgCtl, dataDir: replicaDir, dir, osUser });
        await waitUntilReady(binDir, replicaPort, replicaLog);
      };
      const stopReplica = async () => {
        if (!existsSync(join(replicaDir, 'postmaster.pid'))) return;
        const down = await run(pgCtl, ['-D', replicaDir, '-m', 'immediate', '-w', '-t', '60', 'stop'], { user: osUser, cwd: dir, timeoutMs: 90_000 });
        if (down.code !== 0) throw new Error(`pg_ctl stop (replica) exited with ${down.code}: ${down.output.trim()}`);
      };
      await start();
      const replica = { url: `postgres://${PG_USER}@127.0.0.1:${replicaPort}/postgres`, port: replicaPort, stop: stopReplica, start };
      replicas.push(replica);
      return replica;
    };
    return { url: `postgres://${PG_USER}@127.0.0.1:${port}/postgres`, port, version, binDir, dir, stop, restart, addReplica };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') || '(empty)';
  } catch {
    return '(no server log was written)';
  }
}

const hasServer = (bin) => ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(bin, b)));

/** The bin directory of the highest PostgreSQL version under /usr/lib/postgresql, or null. */
function findDebianServer() {
  let versions = [];
  try { versions = readdirSync('/usr/lib/postgresql'); } catch { return null; }
  const found = versions
    .filter((v) => /^\d+(\.\d+)?$/.test(v) && hasServer(join('/usr/lib/postgresql', v, 'bin')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return found.length ? join('/usr/lib/postgresql', found[0], 'bin') : null;
}

/** A server on PATH (e.g. Homebrew or a source build) when there is no Debian layout. */
function findServerOnPath() {
  const initdb = onPath('initdb');
  if (!initdb) return null;
  const bin = join(initdb, '..');
  return hasServer(bin) ? bin : null;
}

async function findOrInstallServer(log) {
  const existing = findDebianServer() ?? findServerOnPath();
  if (existing) return existing;

  const why = 'no PostgreSQL server binaries (initdb, pg_ctl, postgres) under /usr/lib/postgresql/<version>/bin or on PATH';
  log(`test-postgres: ${why}; installing Debian's postgresql package (apt-get install -y --no-install-recommends postgresql)...`);
  const t0 = Date.now();
  await aptInstall('postgresql', why);
  const bin = findDebianServer();
  if (!bin) throw new Error("installed Debian's postgresql package, but still found no server binaries under /usr/lib/postgresql/<version>/bin");
  log(`test-postgres: installed PostgreSQL (${bin}) in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return bin;
}

async function serverVersion(binDir) {
  const r = await run(join(binDir, 'postgres'), ['--version']);
  const m = /(\d+(\.\d+)*)/.exec(r.output);
  return m ? m[1] : 'unknown version';
}

/** Makes sure the unprivileged `postgres` OS user exists (the Debian package creates it). */
async function ensurePostgresUser(log) {
  if ((await run('id', ['-u', PG_USER])).code === 0) return PG_USER;
  log(`test-postgres: creating system user ${PG_USER} (PostgreSQL does not run as root)`);
  const r = await run('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', PG_USER]);
  if (r.code !== 0) throw new Error(`could not create the ${PG_USER} OS user to run PostgreSQL as (useradd exited with ${r.code})\n${r.output.trim()}`);
  return PG_USER;
}

/** A fresh temp directory owned by the user the server runs as (which must be able to reach it). */
async function makeClusterDir(osUser) {
  const candidates = [...new Set([tmpdir(), '/tmp'])];
  const problems = [];
  for (const base of candidates) {
    let dir;
    try { dir = mkdtempSync(join(base, 'rollcall-pg-')); } catch (err) { problems.push(`${base}: ${err.message}`); continue; }
    if (!osUser) return dir;
    const { uid, gid } = await userIds(osUser);
    chownSync(dir, uid, gid);
    if ((await run('test', ['-w', dir], { user: osUser, cwd: '/' })).code === 0) return dir;
    problems.push(`${base}: not reachable by the ${osUser} user`);
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error(`could not make a temp directory for the PostgreSQL cluster (${problems.join('; ')})`);
}

async function userIds(user) {
  const u = await run('id', ['-u', user]);
  const g = await run('id', ['-g', user]);
  const uid = Number.parseInt(u.output, 10);
  const gid = Number.parseInt(g.output, 10);
  if (u.code !== 0 || g.code !== 0 || Number.isNaN(uid) || Number.isNaN(gid)) throw new Error(`could not look up the ${user} OS user: ${u.output}${g.output}`);
  return { uid, gid };
}

async function initCluster(binDir, dataDir, dir, osUser) {
  const initdb = join(binDir, 'initdb');
  const base = ['-D', dataDir, '-U', PG_USER, '--auth=trust', '-E', 'UTF8', '--no-sync'];
  let r = await run(initdb, [...base, '--locale=C.UTF-8'], { user: osUser, cwd: dir });
  if (r.code !== 0) {
    rmSync(dataDir, { recursive: true, force: true });
    const first = r.output.trim();
    r = await run(initdb, [...base, '--locale=C'], { user: osUser, cwd: dir });
    if (r.code !== 0) {
      throw new Error(`initdb failed (${initdb}, as ${osUser ?? 'the current user'}), with --locale=C.UTF-8:\n${lastLines(first)}\nand with --locale=C:\n${lastLines(r.output)}`);
    }
  }
}

/** Asks the OS for a free loopback port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(binDir, port, logFile) {
  const pgIsReady = [join(binDir, 'pg_isready'), onPath('pg_isready')].find((p) => p && existsSync(p));
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    if (pgIsReady) {
      const r = await run(pgIsReady, ['-h', '127.0.0.1', '-p', String(port), '-U', PG_USER, '-d', 'postgres', '-t', '5']);
      if (r.code === 0) return;
      last = r.output.trim();
    } else {
      const ok = await new Promise((resolve) => {
        const s = createConnection({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
        s.once('error', (err) => { last = err.message; resolve(false); });
      });
      if (ok) return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`PostgreSQL started but does not accept connections on 127.0.0.1:${port} (${last})\n--- server log (${logFile}), last lines ---\n${tail(logFile)}`);
}

/**
 * A tiny detached shell loop that stops the server and removes its directory if this process dies
 * without calling stop() (SIGKILL, a crash), so no server is left behind.
 */
function startWatchdog({ pgCtl, dataDir, dir, osUser }) {
  const [file, argv] = osUser ? asUser(osUser, pgCtl, ['-D', dataDir, '-m', 'immediate', 'stop']) : [pgCtl, ['-D', dataDir, '-m', 'immediate', 'stop']];
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${[file, ...argv].map(shQuote).join(' ')} >/dev/null 2>&1; rm -rf ${shQuote(dir)}`;
  try {
    const child = spawn('/bin/sh', ['-c', script], { cwd: '/', detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
    return child;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = Date.now();
  let pg;
  try {
    pg = await startTestPostgres({ log: (m) => console.error(m) });
  } catch (err) {
    console.error(`test-postgres: ${err.message}`);
    process.exit(1);
  }
  console.error(`test-postgres: PostgreSQL ${pg.version} (${pg.binDir}) started in ${((Date.now() - t0) / 1000).toFixed(1)}s, data in ${pg.dir}; Ctrl-C stops it`);
  console.log(pg.url);
  const keepAlive = setInterval(() => {}, 1 << 30);
  let done = false;
  const shutdown = async (signal) => {
    if (done) return;
    done = true;
    clearInterval(keepAlive);
    try {
      await pg.stop();
      console.error(`test-postgres: stopped (${signal})`);
      process.exit(0);
    } catch (err) {
      console.error(`test-postgres: stop failed: ${err.message}`);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
