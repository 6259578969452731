// docs/deploy.md, run as written. Every block of that page marked with `file=` or `run` is used as
// it stands, with only the test's hosts, ports and paths substituted: the SQL makes the role and
// database, PgBouncer starts from the two PgBouncer files, both systemd units pass `systemd-analyze
// verify` and their ExecStart commands run with the environment file (two API nodes and a worker
// through PgBouncer in transaction mode, the nodes reading from a streaming replica, bulk files in
// the database, the certificate made by the page's openssl commands), and the page's `rollcall`
// commands load data and make a key and an admin token. Then: collects charged exactly through
// both nodes, a search, a bulk export downloaded through the other node, and, through PgBouncer,
// a search statement cancelled by the database at its deadline and a charge's local setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { Agent, request as httpsRequest } from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { tempDir } from './helpers/harness.js';
import { testStore } from './helpers/pg-database.js';
import { freePort, rollcallBin, startServer, startWorker, type Server } from './helpers/processes.js';
import { chargePool, searchPool } from '../src/store/postgres/pg-util.js';

const root = join(rollcallBin, '..', '..');
const pgOnly = testStore() !== 'postgres' ? 'runs in the PostgreSQL pass (it starts PostgreSQL, a replica and PgBouncer of its own)' : false;

interface Block { readonly lang: string; readonly file: string | null; readonly run: boolean; readonly body: string }

/** The fenced blocks of a Markdown page with their info strings (```lang file=/path or ```lang run). */
function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  for (const m of markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)) {
    const [lang = '', ...attrs] = m[1]!.trim().split(/\s+/);
    const file = attrs.find((a) => a.startsWith('file='))?.slice(5) ?? null;
    out.push({ lang, file, run: attrs.includes('run'), body: m[2]! });
  }
  return out;
}

/** GET or POST over HTTPS trusting only `ca`, checking the certificate is for `name`. */
function request(url: string, name: string, ca: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; peer: PeerCertificate }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpsRequest(url, {
      method: payload === undefined ? 'GET' : 'POST', ca, agent: new Agent({ keepAlive: false }),
      checkServerIdentity: (_host, cert) => checkServerIdentity(name, cert),
      headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }) },
    }, (res) => {
      const chunks: Buffer[] = [];
      const peer = (res.socket as unknown as { getPeerCertificate(): PeerCertificate }).getPeerCertificate();
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), peer }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

test('docs/deploy.md as written: PgBouncer, a replica, systemd units, a real certificate, the database file store', { skip: pgOnly, timeout: 300_000 }, async () => {
  const page = blocks(readFileSync(join(root, 'docs', 'deploy.md'), 'utf8'));
  const file = (name: string): string => {
    const b = page.find((x) => x.file === name);
    assert.ok(b, `docs/deploy.md has a block for ${name}`);
    return b.body;
  };
  const script = pathToFileURL(join(root, 'scripts', 'test-postgres.mjs')).href;
  const tools = pathToFileURL(join(root, 'scripts', 'test-tools.mjs')).href;
  const { startTestPostgres } = (await import(script)) as { startTestPostgres(o: { log: (m: string) => void }): Promise<{ url: string; port: number; stop(): Promise<void>; addReplica(): Promise<{ url: string; port: number }> }> };
  const { asUser, isRoot } = (await import(tools)) as { asUser(user: string, cmd: string, args: string[]): [string, string[]]; isRoot: boolean };
  const pgbouncer = process.env['ROLLCALL_TEST_PGBOUNCER'] ?? 'pgbouncer';
  const systemdAnalyze = process.env['ROLLCALL_TEST_SYSTEMD_ANALYZE'] ?? 'systemd-analyze';
  const primary = await startTestPostgres({ log: () => undefined });
  const dir = await tempDir('rollcall-deploy-');
  chmodSync(dir, 0o755);
  const running: { stop(): Promise<unknown> }[] = [];
  let bouncer: ChildProcess | null = null;
  try {
    // 2. The role and the database, from the page's SQL.
    const admin = new pg.Client({ connectionString: primary.url });
    await admin.connect();
    try {
      for (const b of page.filter((x) => x.lang === 'sql' && x.run)) for (const statement of b.body.split(';').map((s) => s.trim()).filter(Boolean)) await admin.query(statement);
      // (The test server runs with synchronous_commit off; on for this database, a charge's own setting shows.)
      await admin.query('ALTER DATABASE rollcall SET synchronous_commit = on');
    } finally {
      await admin.end();
    }
    const replica = await primary.addReplica();

    // 3. PgBouncer from the page's two files.
    const bouncerPort = await freePort();
    const userlist = join(dir, 'userlist.txt');
    writeFileSync(userlist, file('/etc/pgbouncer/userlist.txt'));
    const ini = join(dir, 'pgbouncer.ini');
    writeFileSync(ini, `${file('/etc/pgbouncer/pgbouncer.ini')
      .replace('host=db-primary.internal port=5432', `host=127.0.0.1 port=${primary.port}`)
      .replace('listen_addr = 0.0.0.0', 'listen_addr = 127.0.0.1')
      .replace('listen_port = 6432', `listen_port = ${bouncerPort}`)
      .replace('/etc/pgbouncer/userlist.txt', userlist)}unix_socket_dir =\n`);
    chmodSync(ini, 0o644);
    chmodSync(userlist, 0o644);
    const [cmd, args] = isRoot ? asUser('postgres', pgbouncer, [ini]) : [pgbouncer, [ini]];
    bouncer = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let bouncerLog = '';
    bouncer.stderr!.on('data', (d) => (bouncerLog += d));
    bouncer.stdout!.on('data', (d) => (bouncerLog += d));
    const throughBouncer = `postgres://rollcall:change-me@127.0.0.1:${bouncerPort}/rollcall`;
    for (const deadline = Date.now() + 20_000; ;) {
      const c = new pg.Client({ connectionString: throughBouncer });
      try {
        await c.connect();
        await c.query('SELECT 1');
        await c.end();
        break;
      } catch (error) {
        await c.end().catch(() => undefined);
        if (Date.now() > deadline) throw new Error(`PgBouncer did not accept connections: ${(error as Error).message}\n${bouncerLog}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    // Why the pooling setting exists: PgBouncer refuses session settings sent at connect time.
    const direct = new pg.Client({ connectionString: throughBouncer, options: '-c synchronous_commit=off' });
    await assert.rejects(direct.connect(), /unsupported startup parameter/);
    await direct.end().catch(() => undefined);
    // And what it does instead: the database cancels a search past its budget, and the timeout
    // does not stay on the pooled server connection.
    const search = searchPool({ connectionString: throughBouncer, max: 1 }, 'transaction', 300);
    await assert.rejects(search.queries.query('SELECT pg_sleep(3)', [], Date.now() + 300), (e: { code?: string }) => e.code === '57014');
    assert.equal((await search.pool.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout, '0');
    await search.pool.end();
    // A charge's statement runs with synchronous_commit off, and the setting stays in its transaction.
    const charges = chargePool({ connectionString: throughBouncer, max: 1 }, 'transaction');
    assert.equal((await charges.queries.query<{ s: string }>("SELECT current_setting('synchronous_commit') AS s")).rows[0]!.s, 'off');
    assert.equal((await charges.pool.query<{ s: string }>("SELECT current_setting('synchronous_commit') AS s")).rows[0]!.s, 'on');
    await charges.pool.end();

    // 4. The certificate, from the page's openssl commands (for localhost instead of api.example.com).
    const tls = join(dir, 'tls-made');
    await mkdir(tls);
    for (const b of page.filter((x) => x.lang === 'sh' && x.run && x.body.includes('openssl'))) {
      for (const line of b.body.trim().split('\n')) execFileSync('sh', ['-c', line.replaceAll('api.example.com', 'localhost')], { cwd: tls, stdio: 'pipe' });
    }
    const ca = readFileSync(join(tls, 'ca.pem'), 'utf8');

    // 7. The page's rollcall commands, on the primary directly.
    const generated = join(dir, 'gen');
    execFileSync(process.execPath, [rollcallBin, 'generate', '--people', '60', '--seed', '4', '--out', generated]);
    const outputs: string[] = [];
    for (const b of page.filter((x) => x.lang === 'sh' && x.run && x.body.includes('rollcall '))) {
      for (const line of b.body.trim().split('\n')) {
        const argv = line.replace(/^rollcall /, '')
          .replaceAll('db-primary.internal:5432', `127.0.0.1:${primary.port}`)
          .replace('people.jsonl.gz', join(generated, 'employee_clean.jsonl.gz'))
          .split(' ');
        outputs.push(execFileSync(process.execPath, [rollcallBin, ...argv, '--data-dir', join(dir, 'cli')], { encoding: 'utf8' }));
      }
    }
    const key = (JSON.parse(outputs.find((o) => o.includes('api_key'))!) as { api_key: string; key_id: string }).api_key;
    assert.ok(JSON.parse(outputs.find((o) => o.includes('token'))!).token.startsWith('rcadm_'));

    // 5 and 6. The environment file and both units; each unit's ExecStart runs with that environment.
    const env: Record<string, string> = {};
    for (const line of file('/etc/rollcall/rollcall.env').trim().split('\n')) {
      const eq = line.indexOf('=');
      env[line.slice(0, eq)] = line.slice(eq + 1)
        .replace('pgbouncer.internal:6432', `127.0.0.1:${bouncerPort}`)
        .replace('db-replica.internal:5432', `127.0.0.1:${replica.port}`)
        .replace('/etc/letsencrypt/live/api.example.com/fullchain.pem', join(tls, 'api.pem'))
        .replace('/etc/letsencrypt/live/api.example.com/privkey.pem', join(tls, 'api.key'));
    }
    assert.equal(env['ROLLCALL_DATABASE_POOLING'], 'transaction');
    const units: Record<string, string[]> = {};
    for (const name of ['rollcall-api.service', 'rollcall-worker.service']) {
      const unit = file(`/etc/systemd/system/${name}`).replaceAll('/opt/rollcall', root);
      const path = join(dir, name);
      writeFileSync(path, unit);
      const verify = execFileSync(systemdAnalyze, ['verify', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      assert.equal(verify.trim(), '', `systemd-analyze verify ${name}`);
      const exec = /^ExecStart=(.*)$/m.exec(unit)![1]!.split(' ');
      assert.equal(exec[1], rollcallBin, `${name} starts this checkout's rollcall`);
      units[name] = exec.slice(2);
    }
    const [serveCommand, ...serveArgs] = units['rollcall-api.service']!;
    assert.equal(serveCommand, 'serve');
    const nodeDir = async (n: string): Promise<string> => {
      const d = join(dir, n);
      await mkdir(d);
      return d;
    };
    const nodes: Server[] = [];
    for (const n of ['node-1', 'node-2']) {
      const s = await startServer(serveArgs, { ...env, ROLLCALL_DATA_DIR: await nodeDir(n), ROLLCALL_REPLICA_CHECK_MS: '200' });
      running.push(s);
      nodes.push(s);
    }
    const [workerCommand, ...workerArgs] = units['rollcall-worker.service']!;
    assert.equal(workerCommand, 'worker');
    const worker = await startWorker(workerArgs, { ...env, ROLLCALL_DATA_DIR: await nodeDir('worker'), ROLLCALL_JOB_POLL_MS: '100' });
    running.push({ stop: async () => {
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));
    } });
    const url = (s: Server, path: string): string => `https://127.0.0.1:${s.port}/cdapi${path}`;
    const h = { apikey: key };

    // The nodes present the certificate made above, verified against its CA.
    const ids = Array.from({ length: 10 }, (_, i) => 100_000_001 + i);
    let remaining = 1000;
    for (const [i, id] of ids.entries()) {
      const got = await request(url(nodes[i % 2]!, `/v2/employee_clean/collect/${id}`), 'localhost', ca, h);
      assert.equal(got.status, 200, got.body.toString());
      assert.equal(got.peer.subject.CN, 'localhost');
      assert.equal(got.headers['x-credits-remaining'], String(--remaining), 'one credit per collect, exactly');
    }
    const found = await request(url(nodes[1]!, '/v2/employee_clean/search/es_dsl?items_per_page=5'), 'localhost', ca, h, { query: { match_all: {} } });
    assert.equal(found.status, 200, found.body.toString());
    assert.equal(found.headers['x-total-results'], '60');

    // A bulk export through node 1, run by the worker, downloaded through node 2; no disk holds it.
    const made = await request(url(nodes[0]!, '/v2/data_requests/employee_clean/id_file'), 'localhost', ca, h, { ids: ids.slice(0, 5) });
    assert.equal(made.status, 201, made.body.toString());
    const requestId = (JSON.parse(made.body.toString()) as { request_id: string }).request_id;
    let files: string[] = [];
    for (const deadline = Date.now() + 30_000; files.length === 0;) {
      const list = await request(url(nodes[1]!, `/v2/data_requests/${requestId}/files`), 'localhost', ca, h);
      if (list.status === 200) files = (JSON.parse(list.body.toString()) as { data_request_files: string[] }).data_request_files;
      else assert.equal(list.status, 202, list.body.toString());
      assert.ok(Date.now() < deadline, 'the export finished');
      if (files.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    const part = await request(url(nodes[1]!, `/v2/data_requests/${requestId}/files/${files[0]}`), 'localhost', ca, h);
    assert.equal(part.status, 200);
    assert.deepEqual(gunzipSync(part.body).toString('utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id).sort(), ids.slice(0, 5));
    for (const d of ['node-1', 'node-2', 'worker']) assert.equal(existsSync(join(dir, d, 'files')), false, `${d} kept no part file`);
    assert.match(nodes[0]!.stderr() + nodes[1]!.stderr(), /replica \S+ in use/, 'the nodes read from the replica');
  } finally {
    for (const r of running.reverse()) await r.stop().catch(() => undefined);
    bouncer?.kill('SIGTERM');
    await primary.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
