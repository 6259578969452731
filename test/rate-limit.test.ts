import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeHarness, people, type Harness } from './helpers/harness.js';
import { MemoryRateLimiter } from '../src/ratelimit/rate-limiter.js';
import { parseRateLimit, parseRateLimitOverride } from '../src/config/config.js';

let h: Harness;
const data = people(2);
const url = `/cdapi/v2/employee_clean/collect/${data.clean[0]!['id']}`;

before(async () => {
  h = await makeHarness();
  await h.importRecords('employee_clean', data.clean);
});
after(() => h.close());

test('collect allows 54 per second per key, then 429 with headers and Kong body', async () => {
  const key = await h.key({ collectCredits: 1000 });
  const codes: number[] = [];
  let last;
  for (let i = 0; i < 55; i++) {
    last = await h.app.inject({ method: 'GET', url, headers: { apikey: key.api_key } });
    codes.push(last.statusCode);
  }
  assert.equal(codes.filter((c) => c === 200).length, 54);
  assert.equal(last!.statusCode, 429);
  assert.deepEqual(last!.json(), { message: 'API rate limit exceeded' });
  assert.equal(last!.headers['x-ratelimit-limit-second'], '54');
  assert.equal(last!.headers['x-ratelimit-remaining-second'], '0');
  assert.equal(last!.headers['retry-after'], '1');
  assert.equal(await h.rt.store.credits.balance(key.key_id, 'collect'), 1000 - 54, '429 costs nothing');
  h.clock.advance(1000);
  const again = await h.app.inject({ method: 'GET', url, headers: { apikey: key.api_key } });
  assert.equal(again.statusCode, 200);
  assert.equal(again.headers['x-ratelimit-limit-second'], '54');
});

test('limits are per key', async () => {
  const a = await h.key({ rateLimits: { collect: { limit: 2, windowMs: 1000 } } });
  const b = await h.key({ rateLimits: { collect: { limit: 2, windowMs: 1000 } } });
  for (let i = 0; i < 2; i++) assert.equal((await h.app.inject({ method: 'GET', url, headers: { apikey: a.api_key } })).statusCode, 200);
  assert.equal((await h.app.inject({ method: 'GET', url, headers: { apikey: a.api_key } })).statusCode, 429);
  assert.equal((await h.app.inject({ method: 'GET', url, headers: { apikey: b.api_key } })).statusCode, 200);
  h.clock.advance(1000);
});

test('a per-key override of 0 means unlimited', async () => {
  const key = await h.key({ collectCredits: 500, rateLimits: { collect: { limit: 0, windowMs: 1000 } } });
  const results = await Promise.all(Array.from({ length: 120 }, () => h.app.inject({ method: 'GET', url, headers: { apikey: key.api_key } })));
  assert.ok(results.every((r) => r.statusCode === 200));
  assert.equal(results[0]!.headers['x-ratelimit-limit-second'], undefined);
});

test('the limit is checked before credits: a 429 never charges', async () => {
  const key = await h.key({ collectCredits: 1, rateLimits: { collect: { limit: 1, windowMs: 1000 } } });
  assert.equal((await h.app.inject({ method: 'GET', url, headers: { apikey: key.api_key } })).statusCode, 200);
  assert.equal((await h.app.inject({ method: 'GET', url, headers: { apikey: key.api_key } })).statusCode, 429);
  h.clock.advance(1000);
  assert.equal((await h.app.inject({ method: 'GET', url, headers: { apikey: key.api_key } })).statusCode, 402);
});

test('token bucket refills continuously and per-minute windows report a retry delay', () => {
  const limiter = new MemoryRateLimiter();
  const perMinute = { limit: 9, windowMs: 60_000 };
  for (let i = 0; i < 9; i++) assert.equal(limiter.take('k', perMinute, 0).allowed, true);
  const denied = limiter.take('k', perMinute, 0);
  assert.equal(denied.allowed, false);
  assert.equal(denied.retryAfterSeconds, 7);
  assert.equal(limiter.take('k', perMinute, 6_700).allowed, true);
});

test('rate limit syntax: N, N/s, N/min; bad groups and values are refused', () => {
  assert.deepEqual(parseRateLimit('54', 'x'), { limit: 54, windowMs: 1000 });
  assert.deepEqual(parseRateLimit('9/min', 'x'), { limit: 9, windowMs: 60_000 });
  assert.deepEqual(parseRateLimitOverride('collect=200'), ['collect', { limit: 200, windowMs: 1000 }]);
  assert.throws(() => parseRateLimitOverride('nope=1'), /GROUP/);
  assert.throws(() => parseRateLimitOverride('collect=fast'), /expected N/);
  assert.throws(() => parseRateLimit('-1', 'x'));
});
