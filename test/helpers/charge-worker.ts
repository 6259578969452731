// Child process for the multi-process credits test: tries N charges of 1 and prints successes.
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const [file, keyId, attempts] = process.argv.slice(2);
const store = openSqliteStore(file!);
let ok = 0;
for (let i = 0; i < Number(attempts); i++) {
  const r = await store.credits.charge(keyId!, 'collect', 1, 'collect', `worker-${process.pid}-${i}`, new Date().toISOString());
  if (r.ok) ok++;
}
await store.close();
process.stdout.write(String(ok));
