import { loadConfig } from '/work/main/dist/src/config/config.js';
import { openRuntime } from '/work/main/dist/src/runtime.js';
import { importFile } from '/work/main/dist/src/ingest/import-file.js';
import { referenceSearch } from '/work/main/dist/src/query/reference/reference-matcher.js';
import { rmSync, readFileSync } from 'node:fs';
rmSync('/tmp/smoke', { recursive: true, force: true });
const rt = await openRuntime(loadConfig({}, { dataDir: '/tmp/smoke' }));
const r = await importFile(rt.store, rt.datasets.employee_clean, '/tmp/s300.jsonl');
console.log('imported', r.imported);
const recs = readFileSync('/tmp/s300.jsonl', 'utf8').trim().split('\n').map(JSON.parse);
const M = rt.datasets.employee_clean.mapping;
const f = (p) => ({ path: p, def: M.byPath.get(p) });
const queries = {
  all: { kind: 'match_all', boost: 1 },
  matchEng: { kind: 'match', boost: 1, field: f('headline'), text: 'Senior Engineer', operator: 'and', minimumShouldMatch: null, fuzziness: null, prefixLength: 0, maxExpansions: 50, zeroTermsQuery: 'none' },
  termExact: { kind: 'term', boost: 1, field: f('location_country.exact'), value: 'United States', caseInsensitive: false },
  rangeFollowers: { kind: 'range', boost: 1, field: f('follower_count'), gte: 500, lt: 900 },
  nestedCurrent: { kind: 'nested', boost: 1, path: 'experience', scoreMode: 'avg', query: { kind: 'bool', boost: 1, must: [{ kind: 'match', boost: 1, field: f('experience.title'), text: 'engineer', operator: 'or', minimumShouldMatch: null, fuzziness: null, prefixLength: 0, maxExpansions: 50, zeroTermsQuery: 'none' }], filter: [], should: [], mustNot: [{ kind: 'exists', boost: 1, field: f('experience.date_to') }], minimumShouldMatch: null } },
  phrase: { kind: 'match_phrase', boost: 1, field: f('description'), text: 'data platforms', slop: 0, zeroTermsQuery: 'none' },
  wildcard: { kind: 'wildcard', boost: 1, field: f('job_title.exact'), pattern: 'Senior*', caseInsensitive: false },
  fuzzy: { kind: 'fuzzy', boost: 1, field: f('skills'), value: 'pythn', fuzziness: 'AUTO', prefixLength: 0, maxExpansions: 50, transpositions: true },
  existsNull: { kind: 'term', boost: 1, field: f('name_middle.exact'), value: 'NULL', caseInsensitive: false },
};
for (const [name, q] of Object.entries(queries)) {
  const t = performance.now();
  const page = await rt.store.search.search('employee_clean', { query: q, sort: 'id' }, null, 1000);
  const ref = referenceSearch(q, recs).sort((a, b) => a - b);
  const same = JSON.stringify(ref) === JSON.stringify([...page.ids]);
  console.log(name.padEnd(16), 'sql', page.total, 'ref', ref.length, same ? 'SAME' : 'DIFF', (performance.now() - t).toFixed(1), 'ms');
}
const sc = await rt.store.search.search('employee_clean', { query: queries.matchEng, sort: 'score' }, null, 5);
console.log(sc.ids, [...sc.scores.values()].map(s => s.toFixed(3)), sc.last);
await rt.store.close();
