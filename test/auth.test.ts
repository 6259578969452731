import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { makeHarness, people, type Harness } from './helpers/harness.js';

let h: Harness;
const data = people(3);
const id = data.clean[0]!['id'];
const url = `/cdapi/v2/employee_clean/collect/${id}`;

before(async () => {
  h = await makeHarness({ ROLLCALL_JWT_TTL_SECONDS: '3600' });
  await h.importRecords('employee_clean', data.clean);
});
after(() => h.close());

const call = (headers: Record<string, string>) => h.app.inject({ method: 'GET', url, headers });

test('no credentials: 401 with the Kong message', async () => {
  const res = await call({});
  assert.equal(res.statusCode, 401);
  assert.deepEqual(res.json(), { message: 'No API key found in request' });
});

test('an API key works in the apikey header; a wrong one is 401', async () => {
  const key = await h.key();
  assert.equal((await call({ apikey: key.api_key })).statusCode, 200);
  for (const bad of [key.api_key.slice(0, -1) + (key.api_key.endsWith('A') ? 'B' : 'A'), 'short', 'x'.repeat(300), "'; drop table api_keys; --"]) {
    const res = await call({ apikey: bad });
    assert.equal(res.statusCode, 401, bad);
    assert.deepEqual(res.json(), { message: 'Invalid authentication credentials' });
  }
});

test('keys are stored only as hashes', async () => {
  const key = await h.key();
  const found = await h.rt.store.keys.findById(key.key_id);
  assert.ok(found);
  assert.ok(!JSON.stringify(found).includes(key.api_key));
  assert.equal((await h.rt.store.keys.findByHash(key.api_key)), null);
});

test('the JWT works as a Bearer token', async () => {
  const key = await h.key();
  const res = await call({ authorization: `Bearer ${key.jwt}` });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().id, id);
});

test('apikey is preferred when both headers are present', async () => {
  const key = await h.key();
  assert.equal((await call({ apikey: key.api_key, authorization: 'Bearer garbage' })).statusCode, 200);
  assert.equal((await call({ apikey: 'wrongwrongwrongwrongwrongwrong12', authorization: `Bearer ${key.jwt}` })).statusCode, 401);
});

test('expired JWT is refused', async () => {
  const key = await h.key();
  h.clock.advance(3601 * 1000);
  try {
    const res = await call({ authorization: `Bearer ${key.jwt}` });
    assert.equal(res.statusCode, 401);
    assert.deepEqual(res.json(), { message: 'Invalid authentication credentials' });
  } finally {
    h.clock.advance(-3601 * 1000);
  }
});

test('tokens with another secret, another algorithm, alg none or garbage are refused', async () => {
  const key = await h.key();
  const now = Math.floor(h.clock.now() / 1000);
  const foreign = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(key.key_id).setIssuer('rollcall')
    .setIssuedAt(now).setExpirationTime(now + 600).sign(new TextEncoder().encode('x'.repeat(64)));
  const [header, payload] = key.jwt.split('.');
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
  const hs512Header = Buffer.from(JSON.stringify({ alg: 'HS512', typ: 'JWT' })).toString('base64url');
  const tampered = `${header}.${Buffer.from(JSON.stringify({ sub: 'key_other', iss: 'rollcall', exp: now + 999 })).toString('base64url')}.${key.jwt.split('.')[2]}`;
  for (const token of [foreign, none, `${hs512Header}.${payload}.${key.jwt.split('.')[2]}`, tampered, 'not.a.jwt', 'garbage']) {
    const res = await call({ authorization: `Bearer ${token}` });
    assert.equal(res.statusCode, 401, token);
  }
  assert.equal((await call({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` })).statusCode, 401);
  assert.equal((await call({ authorization: 'Bearer' })).statusCode, 401);
});

test('revoking a key refuses both the key and its JWT once the auth cache entry expires', async () => {
  const key = await h.key();
  assert.equal((await call({ apikey: key.api_key })).statusCode, 200);
  assert.equal((await call({ authorization: `Bearer ${key.jwt}` })).statusCode, 200);
  assert.equal(await h.rt.store.keys.revoke(key.key_id, new Date().toISOString()), true);
  h.clock.advance(h.config.authCacheMs + 1);
  assert.equal((await call({ apikey: key.api_key })).statusCode, 401);
  assert.equal((await call({ authorization: `Bearer ${key.jwt}` })).statusCode, 401);
});

test('with the auth cache off, revocation takes effect on the next request', async () => {
  const h2 = await makeHarness({ ROLLCALL_AUTH_CACHE_MS: '0' });
  try {
    await h2.importRecords('employee_clean', data.clean);
    const key = await h2.key();
    const get = (headers: Record<string, string>) => h2.app.inject({ method: 'GET', url, headers });
    assert.equal((await get({ apikey: key.api_key })).statusCode, 200);
    await h2.rt.store.keys.revoke(key.key_id, new Date().toISOString());
    assert.equal((await get({ apikey: key.api_key })).statusCode, 401);
    assert.equal((await get({ authorization: `Bearer ${key.jwt}` })).statusCode, 401);
  } finally {
    await h2.close();
  }
});
