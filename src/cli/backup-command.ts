// rollcall backup / rollcall restore: a consistent copy of a deployment made while it serves, and
// a new deployment made from one. Each store's own tool does the database part: SQLite's online
// backup (a consistent snapshot of each file, taken page by page while writers go on) and
// PostgreSQL's pg_dump / pg_restore (one consistent snapshot of the whole database). Bulk part
// files and the TLS material are copied beside it.
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../config/config.js';
import { controlDbName, recordsDbName } from '../store/sqlite/sqlite-store.js';
import { storeDir } from '../runtime.js';
import { UsageError, type Output } from './args.js';

const run = promisify(execFile);

interface Manifest {
  readonly format: 'rollcall-backup';
  readonly version: 1;
  readonly store: 'embedded' | 'postgres';
  readonly made_at: string;
  /** Files of the backup, relative to it, with their sizes. */
  readonly files: Record<string, number>;
}

const manifestName = 'backup.json';
const pgDumpName = 'database.pgdump';
/** What is copied from the data dir beside the database: bulk part files and TLS material. */
const copiedDirs = ['files', 'tls'];

/** A PostgreSQL client program: on PATH, or in the newest of Debian's /usr/lib/postgresql/N/bin. */
function pgTool(name: 'pg_dump' | 'pg_restore'): string {
  for (const dir of (process.env['PATH'] ?? '').split(':')) if (dir && existsSync(join(dir, name))) return join(dir, name);
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  throw new UsageError(`${name} was not found: install PostgreSQL's client programs (Debian: apt-get install postgresql-client)`);
}

async function sizes(root: string, rel = ''): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const dir = join(root, rel);
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, await sizes(root, path));
    else if (entry.isFile() && path !== manifestName) out[path] = (await stat(join(root, path))).size;
  }
  return out;
}

export async function backupCommand(config: Config, args: { out: string | undefined }, io: Output): Promise<number> {
  if (!args.out) throw new UsageError('backup needs --out DIR (a new or empty directory)');
  if (existsSync(args.out) && readdirSync(args.out).length > 0) throw new UsageError(`--out ${args.out} is not empty; a backup goes into a new or empty directory`);
  const started = performance.now();
  // Written under a temporary name and renamed at the end: a backup that stops half-way is never
  // mistaken for a complete one.
  const work = `${args.out.replace(/\/+$/, '')}.partial`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const store = config.databaseUrl !== null ? 'postgres' : 'embedded';
  if (config.databaseUrl !== null) {
    await run(pgTool('pg_dump'), ['--format=custom', '--no-owner', '--file', join(work, pgDumpName), config.databaseUrl], { maxBuffer: 16 * 1024 * 1024 });
  } else {
    const from = storeDir(config);
    if (!existsSync(join(from, recordsDbName))) throw new UsageError(`no store in ${from}: nothing to back up`);
    await mkdir(join(work, 'store'));
    for (const name of [controlDbName, recordsDbName]) {
      const db = new Database(join(from, name), { readonly: true, fileMustExist: true });
      try {
        await db.backup(join(work, 'store', name));
      } finally {
        db.close();
      }
    }
  }
  for (const dir of copiedDirs) {
    const from = join(config.dataDir, dir);
    // A part file being written has a temporary name (*.tmp) and is skipped: its job is not
    // finished in the copied database either, and runs again after a restore.
    if (existsSync(from)) await cp(from, join(work, dir), { recursive: true, filter: (src) => !src.endsWith('.tmp') });
  }
  const manifest: Manifest = { format: 'rollcall-backup', version: 1, store, made_at: new Date().toISOString(), files: await sizes(work) };
  await writeFile(join(work, manifestName), `${JSON.stringify(manifest, null, 2)}\n`);
  await rm(args.out, { recursive: true, force: true });
  await rename(work, args.out);
  const bytes = Object.values(manifest.files).reduce((a, b) => a + b, 0);
  io.out(`backed up the ${store} store to ${args.out}: ${Object.keys(manifest.files).length} files, ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

async function readManifest(dir: string): Promise<Manifest> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(dir, manifestName), 'utf8'));
  } catch {
    throw new UsageError(`${dir} is not a Rollcall backup (no readable ${manifestName})`);
  }
  const m = parsed as Manifest;
  if (m.format !== 'rollcall-backup' || m.version !== 1) throw new UsageError(`${dir}/${manifestName} is not a backup this version can restore`);
  for (const [path, size] of Object.entries(m.files)) {
    const actual = existsSync(join(dir, path)) ? (await stat(join(dir, path))).size : -1;
    if (actual !== size) throw new UsageError(`the backup is damaged: ${path} is ${actual < 0 ? 'missing' : `${actual} bytes, not ${size}`}`);
  }
  return m;
}

export async function restoreCommand(config: Config, args: { from: string | undefined }, io: Output): Promise<number> {
  if (!args.from) throw new UsageError('restore needs --from DIR (a directory made by rollcall backup)');
  const started = performance.now();
  const manifest = await readManifest(args.from);
  const target = config.databaseUrl !== null ? 'postgres' : 'embedded';
  if (manifest.store !== target) throw new UsageError(`the backup is of the ${manifest.store} store; restore it with ${manifest.store === 'postgres' ? '--database-url' : 'no --database-url'}`);
  for (const dir of copiedDirs) {
    if (existsSync(join(config.dataDir, dir)) && readdirSync(join(config.dataDir, dir)).length > 0 && existsSync(join(args.from, dir))) {
      throw new UsageError(`${join(config.dataDir, dir)} is not empty; restore into a new data dir`);
    }
  }
  if (config.databaseUrl !== null) {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    try {
      const tables = await client.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'");
      if (Number(tables.rows[0]!.n) > 0) throw new UsageError('the database is not empty; restore into a new database (createdb)');
    } finally {
      await client.end();
    }
    await run(pgTool('pg_restore'), ['--no-owner', '--exit-on-error', '--single-transaction', '--dbname', config.databaseUrl, join(args.from, pgDumpName)], { maxBuffer: 16 * 1024 * 1024 });
  } else {
    const to = storeDir(config);
    if (existsSync(join(to, recordsDbName)) || existsSync(join(to, controlDbName))) throw new UsageError(`${to} already holds a store; restore into a new data dir`);
    for (const name of [controlDbName, recordsDbName]) {
      const db = new Database(join(args.from, 'store', name), { readonly: true, fileMustExist: true });
      try {
        const check = db.pragma('quick_check', { simple: true });
        if (check !== 'ok') throw new UsageError(`the backup is damaged: ${name}: ${String(check)}`);
      } finally {
        db.close();
      }
    }
    await mkdir(to, { recursive: true });
    for (const name of [controlDbName, recordsDbName]) {
      await cp(join(args.from, 'store', name), join(to, `${name}.restoring`));
      await rename(join(to, `${name}.restoring`), join(to, name));
    }
  }
  for (const dir of copiedDirs) if (existsSync(join(args.from, dir))) await cp(join(args.from, dir), join(config.dataDir, dir), { recursive: true });
  io.out(`restored the ${manifest.store} store made ${manifest.made_at} into ${config.databaseUrl !== null ? 'the database' : config.dataDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}
