// rollcall serve: HTTPS server on the embedded store; --demo does first-run setup.
import type { Config } from '../config/config.js';
import { buildApp } from '../http/app.js';
import { listenTls } from '../http/listen.js';
import { openRuntime } from '../runtime.js';
import { Workers } from '../domain/workers.js';
import { ensureCertificate } from '../tls/certificate.js';
import type { Output } from './args.js';
import { ensureDemo } from './demo.js';

export async function serveCommand(config: Config, demo: boolean, io: Output): Promise<number> {
  const rt = await openRuntime(config, undefined, { searchWorkers: true });
  const demoSet = demo ? await ensureDemo(rt, io) : null;
  const demoKey = demoSet?.key ?? null;
  const tls = await ensureCertificate(config);
  const workers = config.jobs.inServer ? new Workers({ ...rt, log: (message, error) => io.err(`rollcall: ${message}: ${String(error)}`) }) : null;
  const app = await buildApp(config, rt, { tls: { key: tls.key, cert: tls.cert }, onDataRequest: () => workers?.wake(), onWebhookQueued: () => workers?.wakeDispatcher() });
  const listening = await listenTls(app, config.host, config.port, { idleMs: config.connectionIdleMs, maxConnections: config.maxConnections, maxPerAddress: config.maxConnectionsPerAddress });
  const hostForUrl = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const base = `https://${hostForUrl}:${listening.port}/cdapi`;
  const lines = [`rollcall listening on ${base} (store: ${rt.store.dialect} ${config.dataDir})`, `API docs: https://${hostForUrl}:${listening.port}/cdapi/docs`];
  if (demoKey) {
    const [id] = await rt.store.employees.sampleIds('employee_clean', 1);
    const cacert = tls.selfSigned ? `--cacert ${tls.certFile} ` : '';
    lines.push(`demo api key: ${demoKey.api_key}`);
    lines.push(`admin token:  ${demoSet!.adminToken}   (admin API, /metrics, console: Authorization: Bearer <token>)`);
    lines.push(`try: curl ${cacert}-H 'apikey: ${demoKey.api_key}' ${base}/v2/employee_clean/collect/${id ?? 1}`);
  }
  // One write, so a reader never sees the banner without its last line.
  io.out(lines.join('\n'));
  workers?.start();
  const stopGrowing = new AbortController();
  const growing = demoSet?.grow(stopGrowing.signal).catch((error: unknown) => io.err(`rollcall: demo import failed: ${String(error)}`));
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      io.err(`rollcall: ${signal} received, finishing in-flight requests...`);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  stopGrowing.abort();
  await growing;
  await listening.close();
  await workers?.stop();
  await rt.store.close();
  io.err('rollcall: stopped');
  return 0;
}
