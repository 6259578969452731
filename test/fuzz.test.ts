// A fixed-seed slice of the search fuzzer (test/fuzz/search-fuzz.ts): 500 random valid-shaped
// queries over the Clean mapping, each also sent damaged, with a random query_string and a random
// cursor (2,000 requests): never a 500, the reference evaluator's ids for every 200, no credit
// charged for an error. `npm run fuzz` runs the same properties at 100,000 requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeHarness, noDataRateLimits, people, type Harness } from './helpers/harness.js';
import { runSearchFuzz } from './fuzz/search-fuzz.js';

let h: Harness;
const records = people(150, 5).clean;
before(async () => {
  h = await makeHarness({ ...noDataRateLimits });
  await h.importRecords('employee_clean', records);
});
after(() => h.close());

test('search fuzzing, fixed seed: no 500, the reference evaluator\'s ids, no credit for an error', { timeout: 600_000 }, async () => {
  const key = await h.key({ searchCredits: 1_000_000_000 });
  const report = await runSearchFuzz(h, records, { numRuns: 500, seed: 20261206, apiKey: key.api_key, keyId: key.key_id });
  assert.equal(report.failure, null, report.failure ?? '');
  assert.ok(report.valid > 100, `only ${report.valid} valid-shaped queries answered 200`);
});
