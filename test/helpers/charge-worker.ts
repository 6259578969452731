// Child process for the multi-process credits test: tries N charges of 1 and prints successes.
// Opens whichever store the parent runs on (an embedded data dir, or a PostgreSQL URL).
import { loadConfig } from '../../src/config/config.js';
import { openRuntime } from '../../src/runtime.js';

const [dataDir, databaseUrl, keyId, attempts] = process.argv.slice(2);
const rt = await openRuntime(loadConfig({}, { dataDir, databaseUrl: databaseUrl === '-' ? undefined : databaseUrl }));
let ok = 0;
for (let i = 0; i < Number(attempts); i++) {
  const r = await rt.store.credits.charge(keyId!, 'collect', 1, 'collect', `worker-${process.pid}-${i}`, new Date().toISOString());
  if (r.ok) ok++;
}
await rt.store.close();
process.stdout.write(String(ok));
