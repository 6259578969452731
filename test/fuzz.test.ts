// A fixed-seed slice of the fuzzers (test/fuzz/): 500 random valid-shaped searches over the Clean
// mapping, each also sent damaged, with a random query_string and a random cursor (2,000
// requests), then 150 rounds of random collect keys, fields, social URLs, filters, bulk bodies,
// id files and webhook URLs (1,950 requests): never a 500, the reference evaluator's ids for every
// search 200, no credit charged for an error. `npm run fuzz` runs the same properties at
// ~200,000 requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { baseFromPerson } from '../src/generator/base-shape.js';
import { multiSourceFromClean } from '../src/generator/multi-source-shape.js';
import { generatePeople } from '../src/generator/people-generator.js';
import { makeHarness, noDataRateLimits, type Harness } from './helpers/harness.js';
import { runInputFuzz } from './fuzz/input-fuzz.js';
import { runSearchFuzz } from './fuzz/search-fuzz.js';

let h: Harness;
const generated = [...generatePeople({ people: 150, seed: 5, snapshot: 0 })];
const records = generated.map((p) => p.clean);
before(async () => {
  h = await makeHarness({ ...noDataRateLimits, ROLLCALL_RATE_LIMIT_SUBSCRIPTION_CREATE: '0' });
  await h.importRecords('employee_clean', records);
  await h.importRecords('employee', generated.map((p) => p.v1));
  await h.importRecords('employee_multi_source', records.map(multiSourceFromClean));
  await h.importRecords('employee_base', generated.map((p) => baseFromPerson(p.v1, p.clean)));
});
after(() => h.close());

test('search fuzzing, fixed seed: no 500, the reference evaluator\'s ids, no credit for an error', { timeout: 600_000 }, async () => {
  const key = await h.key({ searchCredits: 1_000_000_000 });
  const report = await runSearchFuzz(h, records, { numRuns: 500, seed: 20261206, apiKey: key.api_key, keyId: key.key_id });
  assert.equal(report.failure, null, report.failure ?? '');
  assert.ok(report.valid > 100, `only ${report.valid} valid-shaped queries answered 200`);
});

test('input fuzzing, fixed seed: collect keys, fields, filters, bulk bodies, id files and webhook URLs never make a 500 or charge for an error', { timeout: 600_000 }, async () => {
  const key = await h.key({ searchCredits: 1_000_000_000, collectCredits: 1_000_000_000 });
  const report = await runInputFuzz(h, { numRuns: 150, seed: 20261206, apiKey: key.api_key, keyId: key.key_id });
  assert.equal(report.failure, null, report.failure ?? '');
  assert.ok((report.statuses[200] ?? 0) > 10 && (report.statuses[201] ?? 0) > 10, `statuses ${JSON.stringify(report.statuses)}: the inputs reach the success paths too`);
});
