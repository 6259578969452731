import pg from 'pg';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config/config.js';
import { multiSourceFromClean } from '../src/generator/multi-source-shape.js';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { storeDir } from '../src/runtime.js';
import { controlDbName } from '../src/store/sqlite/sqlite-store.js';
import { makeHarness, people, type Harness } from './helpers/harness.js';

let h: Harness;
const data = people(5);
const id = data.clean[0]!['id'];
const url = `/cdapi/v2/employee_clean/collect/${id}`;

before(async () => {
  h = await makeHarness({ ROLLCALL_RATE_LIMIT_COLLECT: '0' });
  await h.importRecords('employee_clean', data.clean);
});
after(() => h.close());

test('each 200 collect costs one credit and reports the balance; 402 when empty', async () => {
  const key = await h.key({ collectCredits: 3 });
  const remaining: string[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await h.app.inject({ method: 'GET', url, headers: { apikey: key.api_key } });
    assert.equal(res.statusCode, 200);
    remaining.push(String(res.headers['x-credits-remaining']));
  }
  assert.deepEqual(remaining, ['2', '1', '0']);
  const broke = await h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key.jwt}` } });
  assert.equal(broke.statusCode, 402);
  assert.deepEqual(broke.json(), { detail: 'Insufficient credits' });
  assert.equal(broke.headers['x-credits-remaining'], undefined);
  assert.equal(await h.rt.store.credits.balance(key.key_id, 'collect'), 0);
});

test('non-200 responses cost nothing', async () => {
  const key = await h.key({ collectCredits: 5 });
  for (const path of ['/cdapi/v2/employee_clean/collect/424242', '/cdapi/v2/employee_clean/collect/nobody', `${url}?fields=nope`]) {
    const res = await h.app.inject({ method: 'GET', url: path, headers: { apikey: key.api_key } });
    assert.notEqual(res.statusCode, 200);
  }
  assert.equal(await h.rt.store.credits.balance(key.key_id, 'collect'), 5);
  const ledger = await h.rt.store.credits.ledger(key.key_id);
  assert.deepEqual(ledger.map((e) => e.reason), ['initial grant', 'initial grant']);
});

test('collect and search pools are separate', async () => {
  const key = await h.key({ collectCredits: 1, searchCredits: 0 });
  assert.equal((await h.app.inject({ method: 'GET', url, headers: { apikey: key.api_key } })).statusCode, 200);
  assert.equal(await h.rt.store.credits.balance(key.key_id, 'search'), 0);
});

test('many concurrent requests never overspend: exactly the balance succeeds', async () => {
  const key = await h.key({ collectCredits: 17 });
  const results = await Promise.all(
    Array.from({ length: 60 }, () => h.app.inject({ method: 'GET', url, headers: { apikey: key.api_key } })),
  );
  const codes = results.map((r) => r.statusCode);
  assert.equal(codes.filter((c) => c === 200).length, 17);
  assert.equal(codes.filter((c) => c === 402).length, 43);
  const seen = results.filter((r) => r.statusCode === 200).map((r) => Number(r.headers['x-credits-remaining'])).sort((a, b) => a - b);
  assert.deepEqual(seen, Array.from({ length: 17 }, (_, i) => i), 'every remaining value reported exactly once');
  const ledger = await h.rt.store.credits.ledger(key.key_id);
  const collect = ledger.filter((e) => e.pool === 'collect');
  assert.equal(collect.reduce((s, e) => s + e.delta, 0), 0);
  assert.equal(collect.filter((e) => e.delta === -1).length, 17);
});

test('two processes charging the same key at once never go below zero', async () => {
  const key = await h.key({ collectCredits: 300 });
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const worker = fileURLToPath(new URL('./helpers/charge-worker.js', import.meta.url));
  const run = () =>
    new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [worker, h.config.dataDir, h.config.databaseUrl ?? '-', key.key_id, '250'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`worker exited ${code}`))));
    });
  const [a, b] = await Promise.all([run(), run()]);
  assert.equal(a + b, 300, `successful charges ${a} + ${b}`);
  assert.equal(await h.rt.store.credits.balance(key.key_id, 'collect'), 0);
});

test('the ledger is append-only and balances cannot go negative in the schema', async () => {
  if (h.config.databaseUrl !== null) {
    const client = new pg.Client({ connectionString: h.config.databaseUrl });
    await client.connect();
    try {
      await assert.rejects(client.query('UPDATE credit_ledger SET delta = 0'), /append-only/);
      await assert.rejects(client.query('DELETE FROM credit_ledger'), /append-only/);
      await assert.rejects(client.query('UPDATE credit_balances SET balance = -1'), /check constraint/);
    } finally {
      await client.end();
    }
    return;
  }
  const db = new Database(join(storeDir(h.config), controlDbName));
  try {
    assert.throws(() => db.prepare('UPDATE credit_ledger SET delta = 0').run(), /append-only/);
    assert.throws(() => db.prepare('DELETE FROM credit_ledger').run(), /append-only/);
    assert.throws(() => db.prepare("UPDATE credit_balances SET balance = -1").run(), /CHECK constraint/);
  } finally {
    db.close();
  }
});

test('credits add grants and records a ledger entry', async () => {
  const key = await h.key({ collectCredits: 0 });
  assert.equal((await h.app.inject({ method: 'GET', url, headers: { apikey: key.api_key } })).statusCode, 402);
  await h.rt.store.credits.grant(key.key_id, 'collect', 2, 'credits add', new Date().toISOString());
  const res = await h.app.inject({ method: 'GET', url, headers: { apikey: key.api_key } });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['x-credits-remaining'], '1');
});

test('the prices of a dataset are configurable one by one; a bad price stops the start with its name', async () => {
  const h2 = await makeHarness({ ROLLCALL_COST_EMPLOYEE_CLEAN_COLLECT: '5', ROLLCALL_COST_EMPLOYEE_MULTI_SOURCE_PREVIEW: '0' });
  try {
    await h2.importRecords('employee_clean', data.clean.slice(0, 1));
    await h2.importRecords('employee_multi_source', data.clean.slice(0, 1).map(multiSourceFromClean));
    const key = await h2.key({ collectCredits: 7, searchCredits: 3 });
    const r1 = await h2.app.inject({ method: 'GET', url, headers: { apikey: key.api_key } });
    assert.equal(r1.headers['x-credits-remaining'], '2', 'Clean collect at 5 instead of the server default');
    const preview = await h2.app.inject({ method: 'POST', url: '/cdapi/v2/employee_multi_source/search/es_dsl/preview', headers: { apikey: key.api_key }, payload: { query: { match_all: {} } } });
    assert.equal(preview.statusCode, 200, preview.body);
    assert.equal(preview.headers['x-credits-remaining'], '3', 'Multi-source preview free instead of 20');
  } finally {
    await h2.close();
  }
  assert.throws(() => loadConfig({ ROLLCALL_COST_EMPLOYEE_BASE_COLLECT: '-1' }), /ROLLCALL_COST_EMPLOYEE_BASE_COLLECT must be an integer >= 0/);
});

test('collect cost is configurable', async () => {
  const h2 = await makeHarness({ ROLLCALL_COST_COLLECT: '3' });
  try {
    await h2.importRecords('employee_clean', data.clean.slice(0, 1));
    const key = await h2.key({ collectCredits: 7 });
    const r1 = await h2.app.inject({ method: 'GET', url, headers: { apikey: key.api_key } });
    assert.equal(r1.headers['x-credits-remaining'], '4');
    const r2 = await h2.app.inject({ method: 'GET', url, headers: { apikey: key.api_key } });
    assert.equal(r2.headers['x-credits-remaining'], '1');
    const r3 = await h2.app.inject({ method: 'GET', url, headers: { apikey: key.api_key } });
    assert.equal(r3.statusCode, 402);
  } finally {
    await h2.close();
  }
});
