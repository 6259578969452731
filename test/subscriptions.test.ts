// Webhook subscriptions end to end: create (ids, ES DSL, all; profile changes with tracked
// fields), import a newer snapshot, and check what a real receiver gets; management, expiry,
// renewal, simulation and bad bodies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { changedPeopleBetween, generatePeople } from '../src/generator/people-generator.js';
import { Notifier } from '../src/domain/subscriptions/notifier.js';
import { makeHarness, type Harness } from './helpers/harness.js';
import { multipartBody } from './helpers/bulk-client.js';
import { startReceiver, type Receiver, type Received } from './helpers/receiver.js';

const seed = 13;
const n = 300;
const snapshot = (k: number) => [...generatePeople({ people: n, seed, snapshot: k })].map((p) => p.clean);
const changed = changedPeopleBetween(seed, n, 0, 1);
const all = snapshot(0).map((p) => p['id'] as number);
const unchanged = all.filter((id) => !changed.has(id));
const changedIds = [...changed];

let h: Harness;
let apikey: string;
const hooks: Record<string, Receiver> = {};

before(async () => {
  h = await makeHarness({
    ROLLCALL_WEBHOOK_ALLOW_PRIVATE: 'true', ROLLCALL_JOB_POLL_MS: '20', ROLLCALL_SUBSCRIPTION_QUIET_MS: '0',
    ROLLCALL_SUBSCRIPTION_MAX_IDS: '50', ROLLCALL_SUBSCRIPTIONS_PER_KEY: '12',
    ROLLCALL_RATE_LIMIT_SUBSCRIPTION_CREATE: '0', ROLLCALL_RATE_LIMIT_SUBSCRIPTIONS: '0', ROLLCALL_RATE_LIMIT_SIMULATE: '0',
  }, { workers: true });
  await h.importRecords('employee_clean', snapshot(0));
  apikey = (await h.key()).api_key;
  for (const name of ['ids', 'all', 'query', 'file', 'profileIds', 'profileQuery', 'simulate', 'expired']) hooks[name] = await startReceiver();
  h.workers!.start();
});
after(async () => {
  await h.close();
  for (const r of Object.values(hooks)) await r.close();
});

const post = (url: string, payload: unknown, key = apikey) => h.app.inject({ method: 'POST', url, headers: { apikey: key }, payload: payload as object });
const get = (url: string, key = apikey) => h.app.inject({ method: 'GET', url, headers: { apikey: key } });
const items = (received: Received[]) => received.flatMap((r) => JSON.parse(r.body) as { member_id: number; status: string; changed_fields?: string[] | null }[]);

async function subscribe(url: string, body: unknown): Promise<string> {
  const res = await post(url, body);
  assert.equal(res.statusCode, 200, res.body);
  const { id, subscription_id } = res.json();
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.equal(subscription_id, id);
  return id as string;
}

test('importing snapshot 1 notifies exactly the subscribed people whose experience changed, once; a re-import notifies nobody', async () => {
  const v2 = '/cdapi/v2/subscriptions/experience_changes/employee_clean';
  await subscribe(`${v2}/ids`, { webhook_url: hooks['ids']!.url, ids: [changedIds[0], changedIds[1], unchanged[0], unchanged[1]] });
  await subscribe('/cdapi/v2/subscriptions/experience_changes/all', { webhook_url: hooks['all']!.url });
  await subscribe('/cdapi/v1/subscriptions/professional_network/member_experience/es_dsl', {
    webhook_url: hooks['query']!.url, es_dsl_query: { query: { terms: { id: [changedIds[2], unchanged[2]] } } },
  });
  const file = multipartBody({ ids_file: `${changedIds[3]}\n${unchanged[3]}\n` }, { webhook_url: hooks['file']!.url });
  const upload = await h.app.inject({ method: 'POST', url: `${v2}/ids`, headers: { apikey, 'content-type': file.contentType }, payload: file.payload });
  assert.equal(upload.statusCode, 200, upload.body);

  await h.importRecords('employee_clean', snapshot(1));
  const [ids] = await hooks['ids']!.waitFor(1);
  assert.deepEqual(JSON.parse(ids!.body).sort((a: { member_id: number }, b: { member_id: number }) => a.member_id - b.member_id),
    [changedIds[0], changedIds[1]].sort((a, b) => a - b).map((id) => ({ member_id: id, status: 'changed' })));
  await hooks['all']!.waitFor(1);
  assert.deepEqual(new Set(items(hooks['all']!.received).map((i) => i.member_id)), changed);
  assert.ok(items(hooks['all']!.received).every((i) => i.status === 'changed'));
  await hooks['query']!.waitFor(1);
  assert.deepEqual(items(hooks['query']!.received), [{ member_id: changedIds[2], status: 'changed' }]);
  await hooks['file']!.waitFor(1);
  assert.deepEqual(items(hooks['file']!.received), [{ member_id: changedIds[3], status: 'changed' }]);

  await h.importRecords('employee_clean', snapshot(1));
  await new Promise((r) => setTimeout(r, 300));
  for (const name of ['ids', 'all', 'query', 'file']) assert.equal(hooks[name]!.received.length, 1, `${name}: one delivery in all`);
});

test('profile changes: tracked fields, and started/stopped matching a query', async () => {
  const base = snapshot(1).slice(0, 4).map((p) => structuredClone(p));
  const [a, b, c, d] = base as Record<string, unknown>[];
  a!['headline'] = 'Zebracorn wrangler';
  b!['headline'] = 'Zebracorn tamer';
  await h.importRecords('employee_clean', [a!, b!]);
  const v2 = '/cdapi/v2/subscriptions/employee_clean';
  await subscribe(`${v2}/ids`, { webhook_url: hooks['profileIds']!.url, ids: [c!['id'], d!['id']], tracked_fields: ['skills'] });
  await subscribe(`${v2}/es_dsl`, { webhook_url: hooks['profileQuery']!.url, es_dsl_query: { query: { match: { headline: 'zebracorn' } } }, tracked_fields: ['skills', 'headline'] });

  const a2 = { ...a!, headline: 'Retired' };                                     // stops matching
  const c2 = { ...c!, headline: 'Zebracorn whisperer', skills: ['whispering'] };  // starts matching; skills tracked
  const b2 = { ...b!, skills: ['taming', 'zebracorns'] };                         // still matches, skills changed
  const d2 = { ...d!, description: 'Only the description changed' };            // untracked change
  await h.importRecords('employee_clean', [a2, b2, c2, d2]);
  await hooks['profileQuery']!.waitFor(1);
  const byId = new Map(items(hooks['profileQuery']!.received).map((i) => [i.member_id, i]));
  assert.deepEqual(byId.get(a!['id'] as number), { member_id: a!['id'], status: 'stopped_matching_query', changed_fields: null });
  assert.deepEqual(byId.get(c!['id'] as number), { member_id: c!['id'], status: 'started_matching_query', changed_fields: null });
  assert.deepEqual(byId.get(b!['id'] as number), { member_id: b!['id'], status: 'changed', changed_fields: ['skills'] });
  assert.equal(byId.size, 3);
  await hooks['profileIds']!.waitFor(1);
  assert.deepEqual(items(hooks['profileIds']!.received), [{ member_id: c!['id'], status: 'changed', changed_fields: ['skills'] }]);
});

test('two notifiers racing over the same changes deliver them once', async () => {
  const hook = await startReceiver();
  try {
    await h.workers!.stop();
    await subscribe('/cdapi/v2/subscriptions/experience_changes/employee_clean/all', { webhook_url: hook.url });
    const allBefore = hooks['all']!.received.length;
    const source = snapshot(1).slice(10, 30);
    const leaving = source.filter((p) => (p['experience'] as { date_to: unknown }[]).some((e) => e.date_to === null)).map((p) => p['id'] as number);
    assert.ok(leaving.length > 0);
    await h.importRecords('employee_clean', source.map((p) => ({ ...p, experience: [] })));
    const make = () => new Notifier({ store: h.rt.store, clock: h.clock, config: h.config.subscriptions, dataset: h.rt.datasets.employee_clean });
    const [x, y] = [make(), make()];
    const queued = await Promise.all([x.run(), y.run(), x.run(), y.run()]);
    // Workers are stopped, so what is pending is exactly what the racing notifiers queued.
    const pending = (await h.rt.store.outbox.list('pending', 100)).filter((d) => d.topic === 'subscription');
    h.workers!.start();
    assert.equal(queued.reduce((sum, q) => sum + q, 0), pending.length);
    assert.equal(new Set(pending.map((d) => d.ref)).size, pending.length, 'one delivery per subscription between them');
    await hook.waitFor(1);
    await hooks['all']!.waitFor(allBefore + 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(hook.received.length, 1);
    assert.deepEqual(items(hook.received).map((i) => i.member_id).sort(), leaving.sort());
    assert.equal(hooks['all']!.received.length, allBefore + 1);
  } finally {
    await hook.close();
  }
});

test('list, details, renew, delete; expiry; 404 for another key', async () => {
  const url = '/cdapi/v2/subscriptions/experience_changes/employee_clean/ids';
  const id = await subscribe(url, { webhook_url: hooks['expired']!.url, ids: [changedIds[0]] });
  const listed = (await get('/cdapi/v2/subscriptions')).json() as Record<string, string>[];
  const item = listed.find((s) => s['id'] === id)!;
  const today = new Date(h.clock.now()).toISOString().slice(0, 10);
  assert.deepEqual(item, { id, status: 'active', created_at: today, expiring_at: new Date(h.clock.now() + 91 * 86_400_000).toISOString().slice(0, 10) });
  const detail = (await get(`/cdapi/v2/subscriptions/${id}`)).json();
  assert.deepEqual({ ...detail, last_webhook_sent_at: undefined }, { ...item, type: 'experience_changes', selection: 'ids', webhook_url: hooks['expired']!.url, ids_count: 1, last_webhook_sent_at: undefined });
  assert.equal((await get(`/cdapi/v1/subscriptions/${id}`)).statusCode, 200, 'v1 alias');

  const other = await h.key();
  for (const res of [await get(`/cdapi/v2/subscriptions/${id}`, other.api_key), await post(`/cdapi/v2/subscriptions/${id}/renew`, {}, other.api_key),
    await h.app.inject({ method: 'DELETE', url: `/cdapi/v2/subscriptions/${id}`, headers: { apikey: other.api_key } })]) {
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), { detail: 'Subscription not found' });
  }
  assert.deepEqual((await get('/cdapi/v2/subscriptions', other.api_key)).json(), []);

  // Renew 60 days in: valid 91 days from then; past a year from creation: 400.
  h.clock.advance(60 * 86_400_000);
  const renewed = await post(`/cdapi/v2/subscriptions/${id}/renew`, {});
  assert.equal(renewed.statusCode, 200);
  assert.equal(renewed.json().expiring_at, new Date(h.clock.now() + 91 * 86_400_000).toISOString().slice(0, 10));
  h.clock.advance(90 * 86_400_000);
  assert.equal((await post(`/cdapi/v2/subscriptions/${id}/renew`, {})).statusCode, 200);
  h.clock.advance(90 * 86_400_000);
  assert.equal((await post(`/cdapi/v2/subscriptions/${id}/renew`, {})).statusCode, 200);
  h.clock.advance(90 * 86_400_000);
  const tooLate = await post(`/cdapi/v2/subscriptions/${id}/renew`, {});
  assert.equal(tooLate.statusCode, 400);
  assert.deepEqual(tooLate.json(), { detail: 'Subscription cannot be renewed beyond one year from its creation' });
  h.clock.advance(5 * 86_400_000);
  const expired = await post(`/cdapi/v2/subscriptions/${id}/renew`, {});
  assert.deepEqual([expired.statusCode, expired.json()], [400, { detail: 'Subscription has already expired' }]);
  assert.ok(!((await get('/cdapi/v2/subscriptions')).json() as { id: string }[]).some((s) => s.id === id));
  const expiredList = (await get('/cdapi/v2/subscriptions?expired=true')).json() as { id: string; status: string }[];
  assert.equal(expiredList.find((s) => s.id === id)?.status, 'expired');
  // An expired subscription hears nothing.
  const seen = hooks['expired']!.received.length;
  await h.importRecords('employee_clean', [{ ...snapshot(1).find((p) => p['id'] === changedIds[0])!, experience: [], headline: 'Gone fishing' }]);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(hooks['expired']!.received.length, seen);

  const del = await h.app.inject({ method: 'DELETE', url: `/cdapi/v2/subscriptions/${id}`, headers: { apikey } });
  assert.deepEqual([del.statusCode, del.json()], [200, { detail: 'Subscription deleted' }]);
  assert.equal((await get(`/cdapi/v2/subscriptions/${id}`)).statusCode, 404);
  assert.equal((await get('/cdapi/v2/subscriptions?page=0')).statusCode, 422);
  assert.equal((await get('/cdapi/v2/subscriptions?expired=maybe')).statusCode, 422);
});

test('simulate: 200 at once, then ONE object with change_type (not an array) at the webhook', async () => {
  const res = await post('/cdapi/v2/subscriptions/simulate', { webhook_url: hooks['simulate']!.url });
  assert.deepEqual([res.statusCode, res.json()], [200, { message: 'Subscriptions webhook simulation initiated' }]);
  const [got] = await hooks['simulate']!.waitFor(1, 5000);
  const body = JSON.parse(got!.body);
  assert.ok(!Array.isArray(body));
  assert.deepEqual(Object.keys(body).sort(), ['change_type', 'member_id']);
  assert.ok(['changed', 'added', 'removed'].includes(body.change_type));
  assert.equal(typeof body.member_id, 'number');
  assert.equal((await post('/cdapi/v1/subscriptions/simulate', { webhook_url: 'nope' })).statusCode, 422);
});

test('bad bodies: each with its status and body, and nothing created', async () => {
  const count = async () => ((await get('/cdapi/v2/subscriptions')).json() as unknown[]).length;
  const before = await count();
  const ex = '/cdapi/v2/subscriptions/experience_changes/employee_clean';
  const hook = hooks['ids']!.url;
  const cases: [string, string, unknown, number, unknown][] = [
    ['no webhook_url', `${ex}/all`, {}, 422, { detail: [{ loc: ['body', 'webhook_url'], msg: 'field required', type: 'value_error.missing' }] }],
    ['bad webhook_url', `${ex}/all`, { webhook_url: 'ftp://x.example/y' }, 422, null],
    ['private webhook literal is fine when allowed, so use a malformed one', `${ex}/all`, { webhook_url: 'http://' }, 422, null],
    ['date field in the query', `${ex}/es_dsl`, { webhook_url: hook, es_dsl_query: { query: { range: { last_updated: { gte: 'now-1y' } } } } }, 422, { detail: 'Date fields are not allowed in subscription queries: last_updated' }],
    ['nested date field', `${ex}/es_dsl`, { webhook_url: hook, es_dsl_query: { query: { nested: { path: 'experience', query: { term: { 'experience.date_from': '2020-01' } } } } } }, 422, { detail: 'Date fields are not allowed in subscription queries: experience.date_from' }],
    ['invalid query', `${ex}/es_dsl`, { webhook_url: hook, es_dsl_query: { query: { nested: { path: 'nope', query: { match_all: {} } } } } }, 400, null],
    ['no query', `${ex}/es_dsl`, { webhook_url: hook }, 422, null],
    ['empty ids', `${ex}/ids`, { webhook_url: hook, ids: [] }, 422, null],
    ['too many ids', `${ex}/ids`, { webhook_url: hook, ids: Array.from({ length: 51 }, (_, i) => i + 1) }, 400, { detail: 'Request contains too many IDs. Maximum is 50 IDs' }],
    ['duplicate ids', `${ex}/ids`, { webhook_url: hook, ids: [1, 1] }, 422, { detail: 'Input contains duplicate entries: 1' }],
    ['unknown tracked field', '/cdapi/v2/subscriptions/employee_clean/ids', { webhook_url: hook, ids: [1], tracked_fields: ['shoe_size'] }, 422, null],
    ['profile query too broad', '/cdapi/v2/subscriptions/employee_clean/es_dsl', { webhook_url: hook, es_dsl_query: { query: { match_all: {} } } }, 400, { detail: 'Query matches too many profiles for a subscription. Maximum is 50' }],
    ['profile changes have no "all"', '/cdapi/v2/subscriptions/employee_clean/all', { webhook_url: hook }, 404, null],
    ['not an object', `${ex}/all`, [1], 422, null],
  ];
  for (const [what, url, body, status, expected] of cases) {
    const res = await post(url, body);
    assert.equal(res.statusCode, status, `${what}: ${res.body}`);
    if (expected !== null) assert.deepEqual(res.json(), expected, what);
  }
  assert.equal(await count(), before);
  // The per-key limit (12 here).
  const key = await h.key();
  for (let i = 0; i < 12; i++) assert.equal((await post(`${ex}/all`, { webhook_url: hook }, key.api_key)).statusCode, 200);
  const over = await post(`${ex}/all`, { webhook_url: hook }, key.api_key);
  assert.deepEqual([over.statusCode, over.json()], [400, { detail: 'Subscription limit reached: at most 12 active subscriptions per key' }]);
});
