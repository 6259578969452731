// The admin API and /metrics: admin tokens only (every admin route refuses API keys, their JWTs,
// revoked and malformed tokens), keys made and changed through it working on the data routes,
// credits with reasons in the ledger, usage that shows a request at once, listings across keys,
// and Prometheus text that moves with traffic and passes `promtool check metrics`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { makeHarness, noDataRateLimits, people, type Harness } from './helpers/harness.js';
import { createAdminToken } from '../src/operate/admin-tokens.js';
import { isoNow } from '../src/util/clock.js';

let h: Harness;
let admin: string;
let ids: number[];
const clean = people(12, 3).clean;

before(async () => {
  h = await makeHarness({ ...noDataRateLimits, ROLLCALL_AUTH_CACHE_MS: '0', ROLLCALL_WEBHOOK_ALLOW_LIST: 'hooks.example.test:443' });
  await h.importRecords('employee_clean', clean);
  ids = clean.map((r) => Number(r['id']));
  admin = (await createAdminToken(h.rt, 'test')).token;
});
after(() => h.close());

type Res = { status: number; body: any; headers: Record<string, unknown>; text: string };

async function call(method: string, url: string, options: { token?: string | null; headers?: Record<string, string>; body?: unknown } = {}): Promise<Res> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const token = options.token === undefined ? admin : options.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await h.app.inject({ method: method as 'GET', url, headers, ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}) });
  let body: unknown = null;
  try {
    body = JSON.parse(res.body);
  } catch {
    body = null;
  }
  return { status: res.statusCode, body, headers: res.headers, text: res.body };
}

const collect = (apikey: string, id = ids[0]!, dataset = 'employee_clean'): Promise<Res> =>
  call('GET', `/cdapi/v2/${dataset}/collect/${id}`, { token: null, headers: { apikey } });

/** Every route under /admin/ and /metrics, from the OpenAPI document (so a new route is covered too). */
async function adminRoutes(): Promise<[string, string][]> {
  const doc = (await call('GET', '/cdapi/openapi.json', { token: null })).body as { paths: Record<string, Record<string, unknown>> };
  const out: [string, string][] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!path.startsWith('/admin/') && path !== '/metrics') continue;
    for (const m of Object.keys(methods)) out.push([m.toUpperCase(), path.replace('{id}', 'key_0000000000000000')]);
  }
  return out;
}

test('no admin route answers an API key, its JWT, a missing, malformed or revoked token', async () => {
  const routes = await adminRoutes();
  assert.ok(routes.length >= 10, `admin routes found: ${routes.length}`);
  const key = await h.key();
  const revoked = await createAdminToken(h.rt, 'revoked');
  await h.rt.store.adminTokens.revoke(revoked.id, isoNow(h.clock));
  const attempts: [string, Record<string, string>, string | null, string][] = [
    ['no credentials', {}, null, 'Admin token required'],
    ['an API key in the apikey header', { apikey: key.api_key }, null, 'Admin token required'],
    ['an API key as the bearer', {}, key.api_key, 'Invalid admin token'],
    ["the API key's JWT as the bearer", {}, key.jwt, 'Invalid admin token'],
    ['an API key and the JWT together', { apikey: key.api_key }, key.jwt, 'Invalid admin token'],
    ['a revoked admin token', {}, revoked.token, 'Invalid admin token'],
    ['a token of the right shape that was never made', {}, `rcadm_${'A'.repeat(40)}`, 'Invalid admin token'],
  ];
  for (const [method, url] of routes) {
    for (const [what, headers, token, detail] of attempts) {
      const res = await call(method, url, { token, headers, ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }) });
      assert.equal(res.status, 401, `${method} ${url} with ${what}: ${res.text}`);
      assert.deepEqual(res.body, { detail }, `${method} ${url} with ${what}`);
      assert.match(String(res.headers['www-authenticate']), /^Bearer/);
    }
  }
  // Nothing the refused calls asked for happened.
  assert.equal((await h.rt.store.keys.findById(key.key_id))?.revokedAt, null);
});

test('a key made through the admin API collects; listing, reading and usage show it at once', async () => {
  const made = await call('POST', '/admin/v1/keys', { body: { name: 'partner', search_credits: 5, collect_credits: 3 } });
  assert.equal(made.status, 201, made.text);
  assert.match(made.body.api_key, /^[A-Za-z0-9]{32}$/);
  assert.equal(made.body.key.name, 'partner');
  assert.deepEqual(made.body.key.balances, { search: 5, collect: 3 });
  const keyId = made.body.key.id as string;

  const listed = await call('GET', '/admin/v1/keys');
  assert.equal(listed.status, 200);
  assert.ok(listed.body.keys.some((k: { id: string }) => k.id === keyId));
  assert.ok(!JSON.stringify(listed.body).includes(made.body.api_key), 'the key itself is never listed');

  assert.equal((await collect(made.body.api_key)).status, 200);
  assert.equal((await collect(made.body.api_key, 999_999_999)).status, 404);
  const read = await call('GET', `/admin/v1/keys/${keyId}`);
  assert.deepEqual(read.body.balances, { search: 5, collect: 2 });

  const usage = await call('GET', `/admin/v1/usage?key=${keyId}&group_by=endpoint`);
  assert.equal(usage.status, 200, usage.text);
  const endpoint = usage.body.requests.find((b: { bucket: string }) => b.bucket === 'GET /cdapi/v2/employee_clean/collect/*');
  assert.ok(endpoint, JSON.stringify(usage.body));
  assert.deepEqual(endpoint.statuses, { 200: 1, 404: 1 });
  assert.equal(endpoint.errors, 1);
  assert.deepEqual(usage.body.totals, { requests: 2, errors: 1, credits_spent: { search: 0, collect: 1 } });
  const byDay = await call('GET', `/admin/v1/usage?key=${keyId}&group_by=day`);
  assert.deepEqual(byDay.body.requests, [{ bucket: isoNow(h.clock).slice(0, 10), requests: 2, errors: 1, statuses: { 200: 1, 404: 1 } }]);
  assert.deepEqual(byDay.body.credits.find((c: { pool: string }) => c.pool === 'collect'), { bucket: isoNow(h.clock).slice(0, 10), pool: 'collect', spent: 1, granted: 3 });
  // A window that ends before the requests holds none of them.
  const before = await call('GET', `/admin/v1/usage?key=${keyId}&to=${encodeURIComponent(new Date(h.clock.now() - 3_600_000).toISOString())}`);
  assert.equal(before.body.totals.requests, 0);
});

test('changes to a key take effect on the data routes: datasets, expiry, rate limits, revocation', async () => {
  const made = await call('POST', '/admin/v1/keys', { body: { collect_credits: 100, datasets: ['employee_base'] } });
  const keyId = made.body.key.id as string;
  const apikey = made.body.api_key as string;
  const refused = await collect(apikey);
  assert.equal(refused.status, 403);
  assert.deepEqual(refused.body, { detail: 'This API key has no access to this dataset' });
  assert.equal((await call('GET', `/admin/v1/keys/${keyId}`)).body.balances.collect, 100, 'a refused call costs nothing');

  const opened = await call('PATCH', `/admin/v1/keys/${keyId}`, { body: { datasets: null, name: 'renamed' } });
  assert.equal(opened.status, 200, opened.text);
  assert.equal(opened.body.name, 'renamed');
  assert.equal(opened.body.datasets, null);
  assert.equal((await collect(apikey)).status, 200);

  const limited = await call('PATCH', `/admin/v1/keys/${keyId}`, { body: { rate_limits: { collect: '1/min' } } });
  assert.deepEqual(limited.body.rate_limits, { collect: '1/min' });
  assert.equal((await collect(apikey)).status, 200);
  assert.equal((await collect(apikey)).status, 429);
  await call('PATCH', `/admin/v1/keys/${keyId}`, { body: { rate_limits: {} } });

  const expired = await call('PATCH', `/admin/v1/keys/${keyId}`, { body: { expires_at: new Date(h.clock.now() - 1000).toISOString() } });
  assert.equal(expired.status, 200);
  assert.equal((await collect(apikey)).status, 401);
  await call('PATCH', `/admin/v1/keys/${keyId}`, { body: { expires_at: new Date(h.clock.now() + 3_600_000).toISOString() } });
  assert.equal((await collect(apikey)).status, 200);

  const revoked = await call('DELETE', `/admin/v1/keys/${keyId}`);
  assert.equal(revoked.status, 200);
  assert.ok(revoked.body.revoked_at);
  assert.equal((await collect(apikey)).status, 401);
});

test('credits are granted and removed with their reason; a removal past the balance removes nothing', async () => {
  const key = await h.key({ searchCredits: 10, collectCredits: 10 });
  const grant = await call('POST', `/admin/v1/keys/${key.key_id}/credits`, { body: { pool: 'search', amount: 25, reason: 'monthly top-up' } });
  assert.deepEqual(grant.body, { pool: 'search', balance: 35 });
  const remove = await call('POST', `/admin/v1/keys/${key.key_id}/credits`, { body: { pool: 'collect', amount: -4, reason: 'refund reversed' } });
  assert.deepEqual(remove.body, { pool: 'collect', balance: 6 });
  const short = await call('POST', `/admin/v1/keys/${key.key_id}/credits`, { body: { pool: 'collect', amount: -7, reason: 'too much' } });
  assert.equal(short.status, 409);
  assert.deepEqual(short.body, { detail: 'The balance is lower than the credits to remove' });
  assert.equal(await h.rt.store.credits.balance(key.key_id, 'collect'), 6);
  const ledger = await call('GET', `/admin/v1/keys/${key.key_id}/ledger`);
  assert.deepEqual(ledger.body.entries.slice(2).map((e: { pool: string; delta: number; reason: string }) => [e.pool, e.delta, e.reason]), [
    ['search', 25, 'admin: monthly top-up'],
    ['collect', -4, 'admin: refund reversed'],
  ]);
});

test('bad admin input answers 404 or 422 naming the field, and changes nothing', async () => {
  const key = await h.key();
  const cases: [string, string, unknown, number, RegExp][] = [
    ['GET', '/admin/v1/keys/key_nope', undefined, 404, /Key not found/],
    ['PATCH', '/admin/v1/keys/key_nope', { name: 'x' }, 404, /Key not found/],
    ['DELETE', '/admin/v1/keys/key_nope', undefined, 404, /Key not found/],
    ['POST', '/admin/v1/keys/key_nope/credits', { pool: 'search', amount: 1, reason: 'x' }, 404, /Key not found/],
    ['POST', '/admin/v1/keys', { search_credits: -1 }, 422, /search_credits/],
    ['POST', '/admin/v1/keys', { datasets: ['no_such_dataset'] }, 422, /datasets/],
    ['POST', '/admin/v1/keys', { rate_limits: { collect: '5/hour' } }, 422, /rate_limits.*collect/],
    ['POST', '/admin/v1/keys', { rate_limits: { everything: '5/s' } }, 422, /rate_limits/],
    ['POST', '/admin/v1/keys', { expires_at: 'next tuesday' }, 422, /expires_at/],
    ['POST', '/admin/v1/keys', { surprise: true }, 422, /surprise/],
    ['PATCH', `/admin/v1/keys/${key.key_id}`, { expires_at: 12 }, 422, /expires_at/],
    ['POST', `/admin/v1/keys/${key.key_id}/credits`, { pool: 'search', amount: 0, reason: 'nothing' }, 422, /amount/],
    ['POST', `/admin/v1/keys/${key.key_id}/credits`, { pool: 'gold', amount: 1, reason: 'x' }, 422, /pool/],
    ['POST', `/admin/v1/keys/${key.key_id}/credits`, { pool: 'search', amount: 1.5, reason: 'x' }, 422, /amount/],
    ['POST', `/admin/v1/keys/${key.key_id}/credits`, { pool: 'search', amount: 1 }, 422, /reason/],
    ['GET', '/admin/v1/usage?group_by=week', undefined, 422, /group_by/],
    ['GET', '/admin/v1/usage?from=yesterday', undefined, 422, /from/],
    ['GET', '/admin/v1/data_requests?limit=0', undefined, 422, /limit/],
    ['GET', '/admin/v1/data_requests?state=lost', undefined, 422, /state/],
  ];
  const keysBefore = (await h.rt.store.keys.list()).length;
  for (const [method, url, body, status, detail] of cases) {
    const res = await call(method, url, body === undefined ? {} : { body });
    assert.equal(res.status, status, `${method} ${url} ${JSON.stringify(body)}: ${res.text}`);
    assert.match(res.text, detail, `${method} ${url}`);
  }
  assert.equal((await h.rt.store.keys.list()).length, keysBefore);
  assert.equal(await h.rt.store.credits.balance(key.key_id, 'search'), 100);
});

test('data requests and subscriptions of every key are listed, filtered by key', async () => {
  const a = await h.key({ collectCredits: 1000 });
  const b = await h.key({ collectCredits: 1000 });
  const bulk = (apikey: string, id: number): Promise<Res> =>
    call('POST', '/cdapi/v2/data_requests/employee_clean/es_dsl', { token: null, headers: { apikey }, body: { es_dsl_query: { query: { term: { id } } }, webhook_url: 'https://hooks.example.test/bulk' } });
  const ra = await bulk(a.api_key, ids[1]!);
  const rb = await bulk(b.api_key, ids[2]!);
  assert.equal(ra.status, 201, ra.text);
  assert.equal(rb.status, 201, rb.text);
  const sub = await call('POST', '/cdapi/v2/subscriptions/experience_changes/all', { token: null, headers: { apikey: b.api_key }, body: { webhook_url: 'https://hooks.example.test/changes' } });
  assert.ok(sub.status === 200 || sub.status === 201, sub.text);

  const all = await call('GET', '/admin/v1/data_requests');
  assert.equal(all.status, 200);
  const mine = all.body.data_requests.filter((r: { key_id: string }) => r.key_id === a.key_id || r.key_id === b.key_id);
  assert.deepEqual(mine.map((r: { key_id: string; state: string; dataset: string }) => [r.key_id, r.state, r.dataset]).sort(), [[a.key_id, 'queued', 'employee_clean'], [b.key_id, 'queued', 'employee_clean']].sort());
  const onlyA = await call('GET', `/admin/v1/data_requests?key=${a.key_id}`);
  assert.deepEqual(onlyA.body.data_requests.map((r: { key_id: string }) => r.key_id), [a.key_id]);
  assert.deepEqual(onlyA.body.data_requests[0].deliveries, []);

  const subs = await call('GET', `/admin/v1/subscriptions?key=${b.key_id}`);
  assert.equal(subs.status, 200);
  assert.equal(subs.body.subscriptions.length, 1);
  assert.equal(subs.body.subscriptions[0].type, 'experience_changes');
  assert.equal(subs.body.subscriptions[0].webhook_url, 'https://hooks.example.test/changes');
  assert.deepEqual((await call('GET', `/admin/v1/subscriptions?key=${a.key_id}`)).body.subscriptions, []);
});

function metricValue(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const inner = /\{([^}]*)\}/.exec(line)?.[1] ?? '';
    if (want.every((w) => inner.split(',').includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

test('/metrics is Prometheus text that moves with traffic, passes promtool, and needs the admin token', async () => {
  const key = await h.key({ collectCredits: 50 });
  const first = await call('GET', '/metrics');
  assert.equal(first.status, 200);
  assert.match(String(first.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const ok0 = metricValue(first.text, 'rollcall_http_requests_total', { group: 'collect', status: '200' });
  const credits0 = metricValue(first.text, 'rollcall_credits_charged_total', { pool: 'collect' });
  for (let i = 0; i < 3; i++) assert.equal((await collect(key.api_key, ids[i]!)).status, 200);
  const second = await call('GET', '/metrics');
  assert.equal(metricValue(second.text, 'rollcall_http_requests_total', { group: 'collect', status: '200' }), ok0 + 3);
  assert.equal(metricValue(second.text, 'rollcall_credits_charged_total', { pool: 'collect' }), credits0 + 3);
  assert.ok(metricValue(second.text, 'rollcall_http_request_duration_seconds_count', { group: 'collect' }) >= 3);
  assert.equal(metricValue(second.text, 'rollcall_records', { dataset: 'employee_clean' }), clean.length);
  assert.ok(metricValue(second.text, 'rollcall_store_bytes', {}) > 0);
  assert.match(second.text, /^rollcall_data_requests\{state="queued"\} \d+$/m);
  assert.match(second.text, /^rollcall_webhook_deliveries\{state="dead"\} \d+$/m);

  // promtool is installed by the test runner (scripts/run-tests.mjs) from Debian's prometheus package.
  const promtool = process.env['ROLLCALL_TEST_PROMTOOL'] ?? 'promtool';
  const checked = spawnSync(promtool, ['check', 'metrics'], { input: second.text, encoding: 'utf8' });
  assert.equal(checked.error, undefined, `promtool could not run (${promtool}): ${String(checked.error)}`);
  assert.equal(checked.status, 0, `promtool check metrics:\n${checked.stdout}${checked.stderr}`);

  const anonymous = await call('GET', '/metrics', { token: null });
  assert.equal(anonymous.status, 401);
});
