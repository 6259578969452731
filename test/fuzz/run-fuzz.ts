// npm run fuzz: the search fuzzer at scale (FUZZ_RUNS properties of four requests each; default
// 25,000, so 100,000 requests), on a fresh embedded store with 150 generated people, seed from
// FUZZ_SEED (default: the time). Prints the statuses and the first failure, if any; exit 1 then.
import { makeHarness, noDataRateLimits, people } from '../helpers/harness.js';
import { runSearchFuzz } from './search-fuzz.js';

const numRuns = Number(process.env['FUZZ_RUNS'] ?? 25_000);
const seed = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31);
const h = await makeHarness({ ...noDataRateLimits });
try {
  const records = people(150, 5).clean;
  await h.importRecords('employee_clean', records);
  const key = await h.key({ searchCredits: 1_000_000_000 });
  const started = performance.now();
  const report = await runSearchFuzz(h, records, { numRuns, seed, apiKey: key.api_key, keyId: key.key_id });
  const seconds = (performance.now() - started) / 1000;
  console.log(`fuzz: seed ${seed}, ${numRuns} properties, ${report.runs} requests in ${seconds.toFixed(0)} s (${(report.runs / seconds).toFixed(0)}/s)`);
  console.log(`  valid-shaped queries answered 200: ${report.valid}, refused 400/422: ${report.rejected}`);
  console.log(`  statuses: ${JSON.stringify(report.statuses)}`);
  console.log(report.failure ? `FAILED:\n${report.failure}` : '  no 500, no mismatch with the reference evaluator, no credit charged for an error');
  process.exitCode = report.failure ? 1 : 0;
} finally {
  await h.close();
}
