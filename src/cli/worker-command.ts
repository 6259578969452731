// rollcall worker: runs data-request jobs and webhook deliveries without serving HTTP, beside
// (or instead of) the server's own worker; any number can share one store.
import type { Config } from '../config/config.js';
import { Workers } from '../domain/workers.js';
import { openRuntime } from '../runtime.js';
import type { Output } from './args.js';

export async function workerCommand(config: Config, io: Output): Promise<number> {
  const rt = await openRuntime(config);
  const workers = new Workers({ ...rt, dedicated: true, log: (message, error) => io.err(`rollcall worker: ${message}: ${String(error)}`) });
  workers.start();
  io.out(`rollcall worker ${workers.owner} running (store: ${rt.store.dialect} ${config.dataDir})`);
  // The runners' timers do not hold the process open (so a server can exit); this one does.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  clearInterval(keepAlive);
  io.err('rollcall worker: stopping, handing back unfinished work...');
  await workers.stop();
  await rt.store.close();
  io.err('rollcall worker: stopped');
  return 0;
}
