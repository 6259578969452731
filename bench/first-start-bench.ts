// bench:first-start — a new user's first minutes, timed on a fresh clone of this repository's HEAD:
//   1. `npm start` on the fresh clone, to the banner's curl line, split into install (npm ci),
//      build (tsc), demo data (the first 1,000 people of every dataset) and start;
//   2. `npm start` once more after deleting data/ and dist/ (dependencies installed);
//   3. a restart (`npm start` on the existing data dir), and `rollcall serve` alone;
//   4. SIGTERM to an idle server until its process has exited.
// Targets (issue "The first hour"): 1. < 120 s, 2. < 30 s, 3. < 2 s, 4. < 1 s. Timings are wall
// clock on this machine; each is one run, so read them with the machine's noise in mind.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/util/package-root.js';

interface Run {
  /** Seconds from spawn to each matched marker. */
  readonly marks: Record<string, number>;
  readonly total: number;
  readonly pid: number;
}

const markers: readonly (readonly [string, RegExp])[] = [
  ['install start', /installing dependencies/],
  ['install end', /added \d+ packages/],
  ['demo start', /new data dir/],
  ['demo end', /company_base records in/],
];

/** Runs `cmd` in `cwd` until stdout shows the banner's curl line; leaves the process running. */
function untilBanner(cmd: string, args: string[], cwd: string): Promise<Run & { stop(): Promise<number> }> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ROLLCALL_PORT: '0' }, detached: true });
  const marks: Record<string, number> = {};
  const seen = (text: string): void => {
    for (const [name, re] of markers) if (marks[name] === undefined && re.test(text)) marks[name] = (performance.now() - t0) / 1000;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no banner after 600 s:\n${out}`)), 600_000);
    child.stderr!.on('data', (d) => { out += d; seen(String(d)); });
    child.stdout!.on('data', (d) => {
      out += d;
      seen(String(d));
      if (/try: curl/.test(out)) {
        clearTimeout(timer);
        const total = (performance.now() - t0) / 1000;
        resolve({
          marks, total, pid: child.pid!,
          // The whole process group: npm, its shell and the server.
          stop: () => new Promise((done) => {
            const t = performance.now();
            child.once('exit', () => done((performance.now() - t) / 1000));
            process.kill(-child.pid!, 'SIGTERM');
          }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before the banner:\n${out}`)));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'rollcall-first-start-'));
const clone = join(dir, 'rollcall');
try {
  execFileSync('git', ['clone', '--quiet', packageRoot(), clone]);
  console.error(`fresh clone of HEAD in ${clone}`);

  const first = await untilBanner('npm', ['start'], clone);
  await first.stop();
  const m = first.marks;
  const install = (m['install end'] ?? 0) - (m['install start'] ?? 0);
  const build = (m['demo start'] ?? 0) - (m['install end'] ?? 0);
  const demo = (m['demo end'] ?? 0) - (m['demo start'] ?? 0);
  const start = first.total - (m['demo end'] ?? 0);

  rmSync(join(clone, 'data'), { recursive: true, force: true });
  rmSync(join(clone, 'dist'), { recursive: true, force: true });
  const installed = await untilBanner('npm', ['start'], clone);
  await installed.stop();

  const restart = await untilBanner('npm', ['start'], clone);
  await restart.stop();
  const serve = await untilBanner(process.execPath, ['bin/rollcall.js', 'serve', '--demo'], clone);
  // Idle: nothing in flight, the demo data complete or not.
  await new Promise((r) => setTimeout(r, 500));
  const sigterm = await serve.stop();

  const row = (name: string, seconds: number, target: string, met: boolean | null): string =>
    `| ${name} | ${seconds.toFixed(1)} | ${target} | ${met === null ? '' : met ? 'met' : '**not met**'} |`;
  console.log(`\nbench:first-start — fresh clone of HEAD, ${new Date().toISOString().slice(0, 10)}, node ${process.version}\n`);
  console.log('| phase | seconds | target | |');
  console.log('|---|---|---|---|');
  console.log(row('npm ci (better-sqlite3 compiled from source)', install, '', null));
  console.log(row('build (tsc)', build, '', null));
  console.log(row('demo data: first 1,000 people of every dataset', demo, '', null));
  console.log(row('start to the banner', start, '', null));
  console.log(row('**fresh clone: `npm start` to the banner**', first.total, '< 120', first.total < 120));
  console.log(row('dependencies installed, no dist/ or data/: `npm start` to the banner', installed.total, '< 30', installed.total < 30));
  console.log(row('restart: `npm start` to the banner', restart.total, '< 2', restart.total < 2));
  console.log(row('restart: `rollcall serve --demo` to the banner', serve.total, '< 2', serve.total < 2));
  console.log(row('idle SIGTERM to exit', sigterm, '< 1', sigterm < 1));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
