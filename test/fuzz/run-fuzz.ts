// npm run fuzz: the fuzzers at scale, on a fresh store with 150 generated people in every
// dataset, seed from FUZZ_SEED (default: the time): the search fuzzer (FUZZ_RUNS properties of
// four requests each; default 25,000, so 100,000 requests), then the input fuzzer
// (FUZZ_INPUT_RUNS properties of 13 requests; default 7,700, so ~100,000 requests). Prints the
// statuses and the first failure, if any; exit 1 then.
import { baseFromPerson } from '../../src/generator/base-shape.js';
import { multiSourceFromClean } from '../../src/generator/multi-source-shape.js';
import { generatePeople } from '../../src/generator/people-generator.js';
import { makeHarness, noDataRateLimits } from '../helpers/harness.js';
import { runInputFuzz } from './input-fuzz.js';
import { runSearchFuzz } from './search-fuzz.js';

const numRuns = Number(process.env['FUZZ_RUNS'] ?? 25_000);
const inputRuns = Number(process.env['FUZZ_INPUT_RUNS'] ?? 7_700);
const seed = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31);
const h = await makeHarness({ ...noDataRateLimits, ROLLCALL_RATE_LIMIT_SUBSCRIPTION_CREATE: '0' });
try {
  const generated = [...generatePeople({ people: 150, seed: 5, snapshot: 0 })];
  const records = generated.map((p) => p.clean);
  await h.importRecords('employee_clean', records);
  await h.importRecords('employee', generated.map((p) => p.v1));
  await h.importRecords('employee_multi_source', records.map(multiSourceFromClean));
  await h.importRecords('employee_base', generated.map((p) => baseFromPerson(p.v1, p.clean)));
  const key = await h.key({ searchCredits: 1_000_000_000, collectCredits: 1_000_000_000 });
  const started = performance.now();
  const report = await runSearchFuzz(h, records, { numRuns, seed, apiKey: key.api_key, keyId: key.key_id });
  const seconds = (performance.now() - started) / 1000;
  console.log(`fuzz: seed ${seed}, ${numRuns} properties, ${report.runs} requests in ${seconds.toFixed(0)} s (${(report.runs / seconds).toFixed(0)}/s)`);
  console.log(`  valid-shaped queries answered 200: ${report.valid}, refused 400/422: ${report.rejected}`);
  console.log(`  statuses: ${JSON.stringify(report.statuses)}`);
  console.log(report.failure ? `FAILED:\n${report.failure}` : '  no 500, no mismatch with the reference evaluator, no credit charged for an error');
  const inputStarted = performance.now();
  const inputs = report.failure ? null : await runInputFuzz(h, { numRuns: inputRuns, seed, apiKey: key.api_key, keyId: key.key_id });
  if (inputs) {
    const s = (performance.now() - inputStarted) / 1000;
    console.log(`input fuzz: ${inputRuns} properties, ${inputs.runs} requests in ${s.toFixed(0)} s: statuses ${JSON.stringify(inputs.statuses)}`);
    console.log(inputs.failure ? `FAILED:\n${inputs.failure}` : '  no 500, no credit charged for an error');
  }
  process.exitCode = report.failure || inputs?.failure ? 1 : 0;
} finally {
  await h.close();
}
