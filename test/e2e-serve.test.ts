// End to end: the real `rollcall` command, a real HTTPS port, real curl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { connect as netConnect } from 'node:net';
import { tempDir } from './helpers/harness.js';
import { testStore, testStoreAt } from './helpers/pg-database.js';
import { httpsGet, httpsPost, plainHttpGet, rollcallBin, startServer } from './helpers/processes.js';

const exec = promisify(execFile);
const cli = (args: string[]) => spawnSync(process.execPath, [rollcallBin, ...args], { encoding: 'utf8' });

test('generate, import, keys create, serve over HTTPS, collect with key and JWT, 402, plain HTTP refused, SIGTERM', async () => {
  const dir = await tempDir('rollcall-e2e-');
  const at = await testStoreAt(dir);
  try {
    const gen = cli(['generate', '--people', '40', '--seed', '9', '--out', join(dir, 'gen')]);
    assert.equal(gen.status, 0, gen.stderr);
    for (const [dataset, file] of [['employee_clean', 'employee_clean.jsonl.gz'], ['employee', 'employee.jsonl.gz']] as const) {
      const imp = cli(['import', ...at.args, '--dataset', dataset, join(dir, 'gen', file)]);
      assert.equal(imp.status, 0, imp.stderr);
      assert.match(imp.stdout, /imported 40 /);
    }
    const created = cli(['keys', 'create', ...at.args, '--collect-credits', '2', '--json']);
    assert.equal(created.status, 0, created.stderr);
    const key = JSON.parse(created.stdout) as { key_id: string; api_key: string; jwt: string };
    assert.match(key.api_key, /^[A-Za-z0-9]{32}$/);

    const server = await startServer(at.args);
    try {
      const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
      const ids = readFileSync(join(dir, 'gen', 'employee_clean.jsonl.gz'));
      assert.ok(ids.length > 0);
      const first = await httpsGet(`${server.baseUrl}/v2/employee_clean/collect/100000001`, { apikey: key.api_key }, ca);
      assert.equal(first.status, 200, first.body);
      assert.equal(JSON.parse(first.body).id, 100000001);
      assert.equal(first.headers['x-credits-remaining'], '1');
      const second = await httpsGet(`${server.baseUrl}/v1/professional_network/employee/collect/100000002`, { authorization: `Bearer ${key.jwt}` }, ca);
      assert.equal(second.status, 200);
      assert.equal(second.headers['x-credits-remaining'], '0');
      const third = await httpsGet(`${server.baseUrl}/v2/employee_clean/collect/100000003`, { apikey: key.api_key }, ca);
      assert.equal(third.status, 402);
      assert.deepEqual(JSON.parse(third.body), { detail: 'Insufficient credits' });
      const found = await httpsPost(`${server.baseUrl}/v2/employee_clean/search/es_dsl?items_per_page=10`, { apikey: key.api_key }, ca, { query: { match_all: {} }, sort: ['id'] });
      assert.equal(found.status, 200, found.body);
      assert.deepEqual(JSON.parse(found.body), Array.from({ length: 10 }, (_, i) => 100000001 + i));
      assert.equal(found.headers['x-total-results'], '40');
      assert.equal(found.headers['x-next-page-after'], '100000010');
      assert.equal(found.headers['x-credits-remaining'], '999');
      const noKey = await httpsGet(`${server.baseUrl}/v2/employee_clean/collect/100000003`, {}, ca);
      assert.equal(noKey.status, 401);

      const plain = await plainHttpGet(`http://127.0.0.1:${server.port}/cdapi/v2/employee_clean/collect/100000001`);
      assert.equal(plain.status, 400);
      assert.deepEqual(JSON.parse(plain.body), { detail: 'HTTPS is required: this port speaks TLS only' });
      assert.ok(!plain.body.includes('full_name'));

      const revoked = cli(['keys', 'revoke', ...at.args, key.key_id]);
      assert.equal(revoked.status, 0);
      // Another process revoked it; the server's auth cache (1 s by default) lets it lapse.
      await new Promise((r) => setTimeout(r, 1100));
      const after = await httpsGet(`${server.baseUrl}/v2/employee_clean/collect/100000001`, { apikey: key.api_key }, ca);
      assert.equal(after.status, 401, 'revocation from another process takes effect within the cache TTL');
    } finally {
      assert.equal(await server.stop('SIGTERM'), 0, 'graceful shutdown exits 0');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await at.drop();
  }
});

// The demo is the embedded default's first-run setup (README: the one command that starts
// Rollcall); it imports thousands of records, which the PostgreSQL pass would spend minutes on.
const demoSkip = testStore() === 'postgres' ? 'the demo is the embedded store\'s first-run setup' : false;

/** A TLS connection to the server, once its handshake is done. */
function openTls(port: number, ca: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => resolve(s));
    s.once('error', reject);
  });
}

async function stderrMatch(server: { stderr(): string }, pattern: RegExp, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !pattern.test(server.stderr()); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} on stderr within ${timeoutMs} ms:\n${server.stderr()}`);
  }
}

test('serve --demo answers after the first 1,000 people, grows to the whole demo set in the background, and a restart resumes it', { skip: demoSkip }, async () => {
  const dir = await tempDir('rollcall-demo-');
  const at = await testStoreAt(dir);
  const env = { ROLLCALL_DEMO_PEOPLE: '1600' };
  try {
    const server = await startServer(['--demo', ...at.args], env);
    try {
      const line = /try: (curl .*)$/m.exec(server.stdout());
      assert.ok(line, server.stdout());
      assert.match(server.stderr(), /generating the first 1000 of 1600 demo people/);
      const args = line[1]!.match(/'[^']*'|\S+/g)!.slice(1).map((a) => a.replace(/^'|'$/g, ''));
      const { stdout } = await exec('curl', ['-sS', '-i', ...args]);
      const [head, body] = stdout.split(/\r?\n\r?\n/, 2) as [string, string];
      assert.match(head, /^HTTP\/1\.1 200/);
      assert.match(head, /x-credits-remaining: 9999/);
      const record = JSON.parse(body);
      assert.ok(Array.isArray(record.experience));
      assert.equal(typeof record.full_name, 'string');
      const second = await exec('curl', ['-sS', '-i', ...args]);
      assert.match(second.stdout, /x-credits-remaining: 9998/);
    } finally {
      // Stopped while the rest of the demo set is still being imported: it stops at a batch boundary.
      assert.equal(await server.stop('SIGINT'), 0);
    }
    const again = await startServer(['--demo', ...at.args], env);
    try {
      assert.match(again.stdout(), /try: curl/);
      assert.doesNotMatch(again.stderr(), /generating/);
      await stderrMatch(again, /demo data complete: 1600 people in every dataset/, 110_000);
      const key = (JSON.parse(readFileSync(join(dir, 'demo-key.json'), 'utf8')) as { api_key: string }).api_key;
      const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
      for (const dataset of ['employee', 'employee_clean', 'employee_multi_source', 'employee_base']) {
        const path = dataset === 'employee' ? '/v1/professional_network/employee/search/es_dsl' : `/v2/${dataset}/search/es_dsl`;
        const res = await httpsPost(`${again.baseUrl}${path}?items_per_page=1`, { apikey: key }, ca, { query: { match_all: {} } });
        assert.equal(res.status, 200, res.body);
        assert.equal(res.headers['x-total-results'], '1600', dataset);
      }
    } finally {
      await again.stop();
    }
    const third = await startServer(['--demo', ...at.args], env);
    try {
      assert.doesNotMatch(third.stderr(), /importing the other demo people/);
    } finally {
      await third.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await at.drop();
  }
});

test('SIGTERM: a request in flight is answered before the server exits, and an idle keep-alive connection does not hold it up', async () => {
  const dir = await tempDir('rollcall-stop-');
  const at = await testStoreAt(dir);
  try {
    const created = cli(['keys', 'create', ...at.args, '--json']);
    assert.equal(created.status, 0, created.stderr);
    const key = (JSON.parse(created.stdout) as { api_key: string }).api_key;
    const server = await startServer(at.args);
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const { port } = server;
    const open = (): Promise<TLSSocket> => openTls(port, ca);
    // An idle keep-alive connection, after one answered request.
    const idle = await open();
    idle.write(`GET /healthz HTTP/1.1\r\nhost: localhost\r\nconnection: keep-alive\r\n\r\n`);
    await new Promise((r) => idle.once('data', r));
    const idleClosed = new Promise((r) => idle.once('close', r));
    // A search whose body is still on its way when SIGTERM arrives.
    const body = JSON.stringify({ query: { match_all: {} } });
    const busy = await open();
    let answer = '';
    busy.on('data', (d) => (answer += d));
    const answered = new Promise((r) => busy.once('end', r));
    busy.write(`POST /cdapi/v2/employee_clean/search/es_dsl HTTP/1.1\r\nhost: localhost\r\napikey: ${key}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body.slice(0, 5)}`);
    await new Promise((r) => setTimeout(r, 300));
    const exited = server.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    busy.write(body.slice(5));
    await answered;
    assert.match(answer, /^HTTP\/1\.1 200 /, 'the request in flight got its answer');
    assert.equal(await exited, 0);
    await idleClosed;
  } finally {
    await rm(dir, { recursive: true, force: true });
    await at.drop();
  }
});

test('connections that go quiet are closed: before the first byte, in the TLS handshake, mid-headers, and idle between requests; a busy keep-alive connection stays', async () => {
  const dir = await tempDir('rollcall-idle-');
  const at = await testStoreAt(dir);
  try {
    const server = await startServer(at.args, { ROLLCALL_CONNECTION_IDLE_MS: '700' });
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const closed = (s: { once(e: 'close', f: () => void): void }): Promise<void> => new Promise((r) => s.once('close', () => r()));
    try {
      // Silent TCP: never sends a byte.
      const silent = netConnect({ host: '127.0.0.1', port: server.port });
      silent.on('error', () => undefined);
      const quiet = [closed(silent)];
      // A TLS handshake that never finishes: one byte of a ClientHello.
      const stalledHandshake = netConnect({ host: '127.0.0.1', port: server.port }, () => stalledHandshake.write(Buffer.from([0x16])));
      stalledHandshake.on('error', () => undefined);
      quiet.push(closed(stalledHandshake));
      // Headers that never finish, and a connection idle after one answered request.
      const open = (): Promise<TLSSocket> => openTls(server.port, ca);
      const halfHeaders = await open();
      halfHeaders.on('error', () => undefined);
      quiet.push(closed(halfHeaders));
      halfHeaders.write('GET /healthz HTTP/1.1\r\nhost: local');
      const idle = await open();
      idle.write('GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n');
      await new Promise((r) => idle.once('data', r));
      quiet.push(closed(idle));
      // Busy: a request every 200 ms for 2 s (longer than the idle time) on one connection.
      const busy = await open();
      let answers = 0;
      busy.on('data', (d) => { answers += (String(d).match(/HTTP\/1\.1 200/g) ?? []).length; });
      let busyClosed = false;
      busy.once('close', () => { busyClosed = true; });
      for (let i = 0; i < 10; i++) {
        busy.write('GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n');
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(busyClosed, false, 'a connection in use is not cut');
      assert.equal(answers, 10);
      await Promise.all(quiet);
      busy.destroy();
    } finally {
      assert.equal(await server.stop(), 0);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await at.drop();
  }
});

test('connection limits: one address cannot hold more than its share, and a full server still lets a new client in', async () => {
  const dir = await tempDir('rollcall-conns-');
  const at = await testStoreAt(dir);
  try {
    const server = await startServer(at.args, { ROLLCALL_MAX_CONNECTIONS: '40', ROLLCALL_MAX_CONNECTIONS_PER_ADDRESS: '20' });
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    try {
      const holdFrom = async (localAddress: string, n: number) => {
        const sockets = await Promise.all(Array.from({ length: n }, () => new Promise<import('node:net').Socket>((resolve) => {
          const s = netConnect({ host: '127.0.0.1', port: server.port, localAddress }, () => resolve(s));
          s.on('error', () => undefined);
        })));
        const open = new Set(sockets);
        for (const s of sockets) s.once('close', () => open.delete(s));
        return open;
      };
      const first = await holdFrom('127.0.0.2', 30);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(first.size, 20, 'the connections past 20 from one address are closed at once');
      const second = await holdFrom('127.0.0.3', 20);
      const third = await holdFrom('127.0.0.4', 10);
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(first.size + second.size + third.size <= 40, `${first.size + second.size + third.size} open past the limit of 40`);
      assert.ok(first.size < 20, 'the quietest connections made room');
      // A new client on a full server is answered.
      const client = await openTls(server.port, ca);
      let answer = '';
      client.on('data', (d) => (answer += d));
      client.write('GET /healthz HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n');
      await new Promise((r) => client.once('end', r));
      assert.match(answer, /^HTTP\/1\.1 200 /);
      for (const group of [first, second, third]) for (const s of group) s.destroy();
    } finally {
      assert.equal(await server.stop(), 0);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await at.drop();
  }
});

test('the request log: one JSON line per answer, in pino\'s format, with the key\'s id and never the key', async () => {
  const dir = await tempDir('rollcall-log-');
  const at = await testStoreAt(dir);
  try {
    assert.equal(cli(['generate', '--people', '5', '--seed', '3', '--out', join(dir, 'gen')]).status, 0);
    assert.equal(cli(['import', ...at.args, '--dataset', 'employee_clean', join(dir, 'gen', 'employee_clean.jsonl.gz')]).status, 0);
    const key = JSON.parse(cli(['keys', 'create', ...at.args, '--collect-credits', '5', '--json']).stdout) as { key_id: string; api_key: string };
    const logFile = join(dir, 'requests.log');
    const server = await startServer(at.args, { ROLLCALL_LOG_LEVEL: 'info', ROLLCALL_LOG_FILE: logFile });
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    try {
      assert.equal((await httpsGet(`${server.baseUrl}/v2/employee_clean/collect/100000002?x="q"`, { apikey: key.api_key }, ca)).status, 200);
      // A client's request-id header is not taken as the log's request id (it could break the line).
      assert.equal((await httpsGet(`${server.baseUrl}/v2/employee_clean/collect/100000002`, { apikey: 'not-a-key', 'request-id': 'a"b\\' }, ca)).status, 401);
      assert.equal((await httpsGet(`${server.baseUrl}/no/such/route`, {}, ca)).status, 404);
    } finally {
      await server.stop();
    }
    const text = readFileSync(logFile, 'utf8');
    assert.ok(!text.includes(key.api_key), 'the key itself is never logged');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'request');
    assert.equal(lines.length, 3);
    const [ok, refused, unrouted] = lines;
    assert.deepEqual([unrouted!['status'], unrouted!['url'], 'route' in unrouted!], [404, '/cdapi/no/such/route', false], 'a request that matched no route has no route field');
    assert.deepEqual(Object.keys(ok!), ['level', 'time', 'pid', 'hostname', 'reqId', 'method', 'url', 'route', 'group', 'status', 'ms', 'key_id', 'msg']);
    assert.equal(ok!['level'], 30);
    assert.equal(ok!['pid'], server.child.pid);
    assert.ok(Math.abs(Number(ok!['time']) - Date.now()) < 60_000);
    assert.match(String(ok!['reqId']), /^req-/);
    assert.equal(ok!['url'], '/cdapi/v2/employee_clean/collect/100000002?x=%22q%22');
    assert.deepEqual([ok!['method'], ok!['route'], ok!['group'], ok!['status'], ok!['key_id']], ['GET', '/cdapi/v2/employee_clean/collect/*', 'collect', 200, key.key_id]);
    assert.equal(typeof ok!['ms'], 'number');
    assert.deepEqual([refused!['status'], refused!['key_id']], [401, undefined], 'an unknown key has no id to log');
    assert.match(String(refused!['reqId']), /^req-[0-9a-z]+$/);
  } finally {
    await at.drop();
    await rm(dir, { recursive: true, force: true });
  }
});
