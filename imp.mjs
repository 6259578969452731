import { loadConfig } from '/work/main/dist/src/config/config.js';
import { openRuntime } from '/work/main/dist/src/runtime.js';
import { importFile } from '/work/main/dist/src/ingest/import-file.js';
import { rmSync } from 'node:fs';
rmSync('/tmp/d20', { recursive: true, force: true });
const rt = await openRuntime(loadConfig({}, { dataDir: '/tmp/d20' }));
for (const [d, f] of [['employee_clean', '/tmp/g20/employee_clean.jsonl.gz'], ['employee', '/tmp/g20/employee.jsonl.gz']]) {
  const r = await importFile(rt.store, rt.datasets[d], f);
  console.log(d, r.imported, Math.round(r.imported / r.seconds), '/s');
}
await rt.store.close();
