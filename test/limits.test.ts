// Every request limit of the README's "Limits" table, crossed once: the documented status and body,
// and no credit charged. (Bulk id lists and files: bulk.test.ts; webhook response size and time:
// webhook-sender.test.ts; connections: e2e-serve.test.ts; searches per key: search-gate.test.ts.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { makeHarness, noDataRateLimits, people, tempDir, type Harness } from './helpers/harness.js';
import { rollcallBin, startServer } from './helpers/processes.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { SearchTimeoutError } from '../src/store/store.js';
import { layoutsOf } from '../src/datasets/datasets.js';
import { searchPool } from '../src/store/postgres/pg-util.js';
import { PgSearchStore } from '../src/store/postgres/pg-search-store.js';
import { testStore } from './helpers/pg-database.js';

const run = promisify(execFile);
let h: Harness;
let key: string;
const clean = people(30, 5).clean;
const url = '/cdapi/v2/employee_clean/search/es_dsl';

before(async () => {
  // Searches run on the server's search threads, as in `rollcall serve`.
  h = await makeHarness({ ...noDataRateLimits, ROLLCALL_MAX_PATTERN_TERMS: '5', ROLLCALL_BODY_LIMIT_BYTES: '65536' }, { searchWorkers: true });
  await h.importRecords('employee_clean', clean);
  const created = await h.key({ searchCredits: 1_000 });
  key = created.api_key;
  keyId = created.key_id;
});
after(() => h.close());

async function search(body: unknown, query = ''): Promise<{ status: number; body: unknown; credits: string | undefined }> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await h.app.inject({ method: 'POST', url: `${url}${query}`, headers: { apikey: key, 'content-type': 'application/json' }, payload });
  return { status: res.statusCode, body: JSON.parse(res.body) as unknown, credits: res.headers['x-credits-remaining'] as string | undefined };
}

let keyId: string;
const balance = (): Promise<number> => h.rt.store.credits.balance(keyId, 'search');

const nested = (depth: number): unknown => Array.from({ length: depth }).reduce<unknown>((q) => ({ bool: { must: [q] } }), { match_all: {} });

test('each search limit, crossed, answers its documented error and charges nothing', async () => {
  const cases: [string, unknown, string, number, RegExp][] = [
    ['body over ROLLCALL_BODY_LIMIT_BYTES', `{"query":{"match_all":{}},"pad":"${'x'.repeat(70_000)}"}`, '', 413, /Request body is too large/],
    ['search body over 15,000 characters', { query: { match_all: {} }, pad: 'x'.repeat(15_001) }, '', 400, /request body is \d+ characters long; the maximum is 15000/],
    ['query nested more than 100 levels', { query: nested(101) }, '', 400, /query is nested more than 100 levels deep/],
    // (Each `terms` value is a clause; 1,025 `term` clauses would not fit in 15,000 characters.)
    ['more than 1,024 clauses', { query: { bool: { should: [{ terms: { id: Array.from({ length: 1024 }, (_, i) => i) } }, { term: { id: 1 } }] } } }, '', 400, /too many clauses: maxClauseCount is set to 1024/],
    ['regexp longer than 1,000 characters', { query: { regexp: { 'full_name.exact': 'a'.repeat(1001) } } }, '', 400, /The length of regex \[1001\] used in the Regexp Query request has exceeded the allowed maximum of \[1000\]/],
    ['regexp automaton over 10,000 states', { query: { regexp: { 'full_name.exact': 'a{100}{101}' } } }, '', 400, /would result in more than 10000 states \(10100 counted\)/],
    ['regexp automaton over its own max_determinized_states', { query: { regexp: { 'full_name.exact': { value: '[a-z]{1,30}', max_determinized_states: 20 } } } }, '', 400, /more than 20 states/],
    ['wildcard expanding past ROLLCALL_MAX_PATTERN_TERMS', { query: { wildcard: { 'full_name.exact': '*' } } }, '', 400, /a pattern on \[full_name.exact\] matches more than 5 terms/],
    ['case-insensitive term expanding past it too', { query: { regexp: { 'full_name.exact': { value: '.*', case_insensitive: true } } } }, '', 400, /matches more than 5 terms/],
    ['items_per_page over 1,000', { query: { match_all: {} } }, '?items_per_page=1001', 422, /ensure this value is an integer between 1 and 1000/],
  ];
  for (const [what, body, query, status, message] of cases) {
    const credits = await balance();
    const res = await search(body, query);
    assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body).slice(0, 300)}`);
    assert.match(JSON.stringify(res.body), message, what);
    assert.equal(await balance(), credits, `${what}: no credit charged`);
  }
});

test('just under each limit the search runs', async () => {
  const name = String(clean[0]!['full_name']);
  const ok: [string, unknown][] = [
    ['100 levels of nesting', { query: nested(100) }],
    ['1,024 clauses', { query: { bool: { should: [{ terms: { id: Array.from({ length: 1023 }, (_, i) => i) } }, { term: { id: 1 } }] } } }],
    ['10,000 states', { query: { regexp: { 'full_name.exact': 'a{100}{100}' } } }],
    ['a raised max_determinized_states', { query: { regexp: { 'full_name.exact': { value: 'a{100}{101}', max_determinized_states: 20_000 } } } }],
    ['a pattern matching few terms', { query: { wildcard: { 'full_name.exact': `${name.slice(0, name.length - 1)}*` } } }],
  ];
  for (const [what, body] of ok) {
    const res = await search(body);
    assert.equal(res.status, 200, `${what}: ${JSON.stringify(res.body).slice(0, 300)}`);
  }
  const found = await search(ok[4]![1]);
  assert.ok((found.body as number[]).includes(clean[0]!['id'] as number));
});

test('a search whose budget was spent waiting its turn answers the budget\'s 503 error without running, on either store', async () => {
  const request = parseSearchRequest({ query: { match_all: {} }, sort: ['id'] }, { mapping: h.rt.datasets.employee_clean.mapping, now: h.clock.now() });
  const nested2 = parseSearchRequest({ query: { match: { full_name: String(clean[0]!['full_name']) } } }, { mapping: h.rt.datasets.employee_clean.mapping, now: h.clock.now() });
  for (const r of [request, nested2]) await assert.rejects(h.rt.store.search.search('employee_clean', r, null, 10, false, 0), SearchTimeoutError);
  assert.ok((await h.rt.store.search.search('employee_clean', nested2, null, 10, false, 5_000)).total > 0);
});

test('PostgreSQL: a search statement is cancelled by the database when the budget runs out, not at the pool\'s whole timeout', { skip: testStore() !== 'postgres' ? 'PostgreSQL only (the embedded store stops its search thread)' : false }, async () => {
  const databaseUrl = h.storeArgs[h.storeArgs.indexOf('--database-url') + 1]!;
  for (const pooling of ['direct', 'transaction'] as const) {
    const { pool, queries } = searchPool({ connectionString: databaseUrl, max: 1 }, pooling, 10_000);
    try {
      const started = Date.now();
      await assert.rejects(queries.query('SELECT pg_sleep(5)', [], Date.now() + 300), (e: { code?: string }) => e.code === '57014', pooling);
      assert.ok(Date.now() - started < 2_500, `${pooling}: cancelled after ${Date.now() - started} ms`);
      // The shortened timeout lived in the statement's transaction only.
      assert.equal((await pool.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout, pooling === 'direct' ? '10s' : '0');
      // The search store gives every statement the search's deadline, with or without a budget.
      const given: (number | undefined)[] = [];
      const store = new PgSearchStore({ query: (text, params, deadline) => (given.push(deadline), queries.query(text, params, deadline)) }, layoutsOf(h.rt.datasets), 100_000, 6_000);
      // (An infix pattern: it is expanded from the dictionary, a statement of its own.)
      const request = parseSearchRequest({ query: { wildcard: { 'full_name.exact': { value: `*${String(clean[0]!['full_name']).slice(1, 4)}*` } } } }, { mapping: h.rt.datasets.employee_clean.mapping, now: h.clock.now() });
      for (const budget of [4_000, undefined]) {
        given.length = 0;
        const started = Date.now();
        assert.ok((await store.search('employee_clean', request, null, 10, false, budget)).total > 0);
        assert.ok(given.length >= 2, 'the expansion and the search');
        const whole = budget ?? 6_000;
        for (const deadline of given) assert.ok(deadline !== undefined && deadline - started <= whole + 50 && deadline - started > whole - 2_000, `a statement was given ${deadline! - started} ms of a ${whole} ms budget`);
      }
    } finally {
      await pool.end();
    }
  }
});

test('request headers past 16 KB answer 431 and the server keeps serving', async () => {
  const dir = await tempDir();
  const server = await startServer(['--data-dir', dir]);
  try {
    const caFile = join(dir, 'tls', 'cert.pem');
    const get = async (padding: number): Promise<string> => (await run('curl', ['-s', '-i', '--cacert', caFile, '-H', 'apikey: x', '-H', `x-padding: ${'y'.repeat(padding)}`,
      `${server.baseUrl.replace('127.0.0.1', 'localhost')}/v2/employee_clean/collect/1`])).stdout;
    const big = await get(17 * 1024);
    assert.match(big, /^HTTP\/1.1 431 Request Header Fields Too Large\r\n/);
    assert.match(big, /\{"error":"Request Header Fields Too Large","message":"Exceeded maximum allowed HTTP header size","statusCode":431\}/);
    assert.match(await get(15 * 1024), /^HTTP\/1.1 401 /);
  } finally {
    await server.stop();
  }
});

/** Sends a request whose body never finishes (one byte every 200 ms) and returns all the server said before closing. */
function trickle(port: number, ca: string, apikey: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      socket.write(`POST /cdapi/v2/employee_clean/search/es_dsl HTTP/1.1\r\nhost: localhost\r\napikey: ${apikey}\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{`);
      timer = setInterval(() => socket.write(' '), 200);
    });
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('error', (error: NodeJS.ErrnoException) => (['ECONNRESET', 'EPIPE'].includes(error.code ?? '') ? undefined : reject(error)));
    socket.on('close', () => {
      clearInterval(timer);
      resolve(text);
    });
  });
}

test('a body that trickles in: 408 past ROLLCALL_REQUEST_TIMEOUT_MS; answered early (401), the connection closes at once', async () => {
  const dir = await tempDir();
  const created = await run(process.execPath, [rollcallBin, 'keys', 'create', '--data-dir', dir, '--json']);
  const apikey = (JSON.parse(created.stdout) as { api_key: string }).api_key;
  // The idle watchdog would not close these: a byte arrives every 200 ms.
  const server = await startServer(['--data-dir', dir], { ROLLCALL_REQUEST_TIMEOUT_MS: '1500', ROLLCALL_CONNECTION_IDLE_MS: '10000' });
  try {
    const ca = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    let started = Date.now();
    const late = await trickle(server.port, ca, apikey);
    assert.match(late, /^HTTP\/1.1 408 Request Timeout\r\n/);
    assert.match(late, /"message":"Client Timeout","statusCode":408/);
    assert.ok(Date.now() - started < 8_000, `closed after ${Date.now() - started} ms`);
    started = Date.now();
    const refused = await trickle(server.port, ca, 'not-a-key');
    assert.match(refused, /^HTTP\/1.1 401 Unauthorized\r\n/);
    assert.match(refused, /\r\nConnection: close\r\n/i);
    assert.ok(Date.now() - started < 1_000, `closed after ${Date.now() - started} ms`);
  } finally {
    await server.stop();
  }
});
