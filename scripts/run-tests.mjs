// Runs every compiled test file with node's own test runner.
// Extra arguments are passed through (for example a file filter: `npm test -- collect`).
//
// The tests get a throwaway PostgreSQL server (see scripts/test-postgres.mjs) through
// ROLLCALL_TEST_DATABASE_URL; it is started before and stopped after the run. When
// ROLLCALL_TEST_DATABASE_URL is already set, that server is used and nothing is started.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestPostgres } from './test-postgres.mjs';
import { ensureTool } from './test-tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Test files that run a second time on PostgreSQL (ROLLCALL_TEST_STORE=postgres makes their
// harness use a fresh PostgreSQL database): every suite that goes through the store port. The
// others test one store's internals (SQLite plans, search threads, deferred indexing), the
// generator or the parser, or start their own processes on an embedded store.
const postgresConformance = [
  'auth', 'collect', 'credits', 'rate-limit', 'jobs', 'webhook-outbox', 'change-detection',
  'conformance', 'relevance', 'search', 'search-filter', 'search-robustness', 'bulk', 'subscriptions',
  'bulk-crash', 'subscriptions-e2e', 'import', 'deferred-index', 'e2e-serve', 'meta', 'term-dictionary', 'dataset-reconcile', 'multi-source', 'n8n-replay', 'employee-base', 'current-api-e2e', 'fuzz', 'backup', 'limits', 'faults', 'admin', 'client', 'replica', 'file-store', 'deploy', 'pg-postings-cache',
];
/** Query suites run a third time on PostgreSQL without the node's copy of the postings. */
const postgresSqlOnly = ['conformance', 'relevance', 'search', 'search-filter', 'search-robustness', 'term-dictionary'];
const testDir = join(root, 'dist', 'test');
const filters = process.argv.slice(2);
const files = readdirSync(testDir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort()
  .map((f) => join(testDir, f));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

let child = null;
let pg = null;
let interrupted = null;
const onSignal = (signal) => {
  interrupted ??= signal;
  // The test runner usually got the same signal from the terminal already; forwarding is harmless.
  if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);
const signalExit = (signal) => 128 + (constants.signals[signal] ?? 1);

async function stopPostgres() {
  if (!pg) return;
  const server = pg;
  pg = null;
  try {
    await server.stop();
  } catch (err) {
    console.error(`run-tests: could not stop the test PostgreSQL server: ${err.message}`);
  }
}

const env = { ...process.env };
const preset = process.env['ROLLCALL_TEST_DATABASE_URL'];
if (preset) {
  console.error(`run-tests: PostgreSQL: using ROLLCALL_TEST_DATABASE_URL=${redact(preset)} (nothing started)`);
} else {
  const t0 = Date.now();
  try {
    pg = await startTestPostgres({ log: (m) => console.error(`run-tests: ${m}`) });
  } catch (err) {
    console.error(`run-tests: could not start the throwaway PostgreSQL server the tests need:\n${err.message}`);
    process.exit(1);
  }
  console.error(`run-tests: PostgreSQL ${pg.version} (${pg.binDir}) at ${pg.url}, throwaway cluster started in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  env['ROLLCALL_TEST_DATABASE_URL'] = pg.url;
}

// Tools some suites drive, installed from Debian's packages when missing (like PostgreSQL above).
const tools = [
  { suites: ['admin'], binary: 'promtool', pkg: 'prometheus', env: 'ROLLCALL_TEST_PROMTOOL' },
  { suites: ['console'], binary: 'chromium', pkg: 'chromium', env: 'ROLLCALL_TEST_CHROMIUM' },
  { suites: ['deploy'], binary: 'pgbouncer', pkg: 'pgbouncer', env: 'ROLLCALL_TEST_PGBOUNCER' },
  { suites: ['deploy'], binary: 'systemd-analyze', pkg: 'systemd', env: 'ROLLCALL_TEST_SYSTEMD_ANALYZE' },
];
for (const tool of tools) {
  if (!files.some((f) => tool.suites.some((name) => f.endsWith(`/${name}.test.js`)))) continue;
  try {
    env[tool.env] = await ensureTool(tool.binary, tool.pkg, (m) => console.error(`run-tests: ${m}`));
  } catch (err) {
    console.error(`run-tests: could not install ${tool.binary}, which the ${tool.suites.join(', ')} suites need:\n${err.message}`);
    await stopPostgres();
    process.exit(1);
  }
}

function runTests(testFiles, extraEnv) {
  return new Promise((resolve, reject) => {
    child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...testFiles], { cwd: root, env: { ...env, ...extraEnv }, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? signalExit(signal ?? 'SIGTERM')));
  });
}

let status = 1;
if (interrupted) {
  status = signalExit(interrupted);
} else {
  try {
    status = await runTests(files, {});
    const onPostgres = files.filter((f) => postgresConformance.some((name) => f.endsWith(`/${name}.test.js`)));
    if (!interrupted && onPostgres.length > 0) {
      console.error(`run-tests: the same ${onPostgres.length} suites again on PostgreSQL: ${postgresConformance.join(', ')}`);
      const pgStatus = await runTests(onPostgres, { ROLLCALL_TEST_STORE: 'postgres' });
      if (status === 0) status = pgStatus;
    }
    // The PostgreSQL pass searches the node's copy of the postings whenever it is current; the
    // query suites run once more without it, so PostgreSQL's own SQL answers stay checked too.
    const inSql = files.filter((f) => postgresSqlOnly.some((name) => f.endsWith(`/${name}.test.js`)));
    if (!interrupted && inSql.length > 0) {
      console.error(`run-tests: ${inSql.length} query suites again on PostgreSQL without the copy of the postings (in SQL): ${postgresSqlOnly.join(', ')}`);
      const sqlStatus = await runTests(inSql, { ROLLCALL_TEST_STORE: 'postgres', ROLLCALL_TEST_POSTINGS_COPY: '0' });
      if (status === 0) status = sqlStatus;
    }
  } catch (err) {
    console.error(`run-tests: could not run the tests: ${err.message}`);
    status = 1;
  }
}
await stopPostgres();
process.exit(interrupted ? signalExit(interrupted) : status);

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
