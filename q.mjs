import { loadConfig } from '/work/main/dist/src/config/config.js';
import { openRuntime } from '/work/main/dist/src/runtime.js';
import { parseSearchRequest } from '/work/main/dist/src/query/parse-request.js';
import { benchQueries } from '/work/main/dist/bench/search-queries.js';
const rt = await openRuntime(loadConfig({}, { dataDir: '/work/main/.bench-data/search-100000' }), undefined, { searchWorkers: true });
for (const q of benchQueries.slice(6)) {
  const req = parseSearchRequest(q.body, { mapping: rt.datasets.employee_clean.mapping, now: Date.now() });
  const t = performance.now();
  try { const r = await rt.store.search.search('employee_clean', req, null, 1001); console.log(q.name, r.total, (performance.now() - t).toFixed(1)); }
  catch (e) { console.log(q.name, 'ERR', e.message); }
}
await rt.store.close();
