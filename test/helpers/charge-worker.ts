// Child process for the multi-process credits test: tries N charges of 1 and prints successes.
import { loadDatasets } from '../../src/datasets/datasets.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const [file, keyId, attempts] = process.argv.slice(2);
const ds = loadDatasets();
const store = openSqliteStore(file!, { employee: ds.employee.layout, employee_clean: ds.employee_clean.layout });
let ok = 0;
for (let i = 0; i < Number(attempts); i++) {
  const r = await store.credits.charge(keyId!, 'collect', 1, 'collect', `worker-${process.pid}-${i}`, new Date().toISOString());
  if (r.ok) ok++;
}
await store.close();
process.stdout.write(String(ok));
