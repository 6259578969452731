// buildApp wires the HTTP layer without listening: routes per API family, each family in its
// own scope with its plugin chain (auth → rate limit → credits meter).
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { createServer as createHttpsServer } from 'node:https';
import { hostname } from 'node:os';
import { pino } from 'pino';
import Fastify, { LogController, type FastifyInstance, type FastifyServerFactory } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { costOf, rateLimitGroups, type Config } from '../config/config.js';
import { datasetNames, type DatasetDefinition, type DatasetName } from '../datasets/datasets.js';
import type { JwtSigner } from '../auth/jwt.js';
import { KeyCache } from '../auth/key-cache.js';
import type { RateLimiter } from '../ratelimit/rate-limiter.js';
import type { FileStore } from '../files/file-store.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import { installErrorHandler } from './error-handler.js';
import { parseJsonBody } from './json-body.js';
import { installNotFound } from './not-found.js';
import { authPlugin } from './plugins/auth-plugin.js';
import { creditsPlugin } from './plugins/credits-plugin.js';
import { rateLimitPlugin } from './plugins/rate-limit-plugin.js';
import { collectRoutes } from './routes/collect-routes.js';
import { metaRoutes } from './routes/meta-routes.js';
import { searchRoutes } from './routes/search-routes.js';
import { mapIdsRoutes } from './routes/map-ids-routes.js';
import { catalogueSynonyms, loadSynonymFile } from '../datasets/synonyms.js';
import { SearchGate } from '../domain/search-gate.js';
import { bulkCreateRoutes, bulkFilesRoutes } from './routes/bulk-routes.js';
import { Metrics } from '../operate/metrics.js';
import { UsageRecorder } from '../operate/usage-recorder.js';
import { adminAuthPlugin } from './plugins/admin-auth-plugin.js';
import { routeGroupPlugin } from './plugins/route-group-plugin.js';
import { datasetAccessPlugin } from './plugins/dataset-access-plugin.js';
import { adminRoutes } from './routes/admin-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { consoleRoutes } from './routes/console-routes.js';
import { subscriptionCreateRoutes, subscriptionManageRoutes, subscriptionSimulateRoutes } from './routes/subscription-routes.js';

export interface AppDeps {
  readonly store: Store;
  readonly datasets: Readonly<Record<DatasetName, DatasetDefinition>>;
  readonly signer: JwtSigner;
  readonly clock: Clock;
  readonly rateLimiter: RateLimiter;
  readonly files: FileStore;
}

export interface AppOptions {
  /** PEM key and certificate: the app then runs on an HTTPS server (see listen.ts). */
  readonly tls?: { readonly key: string; readonly cert: string };
  readonly logger?: boolean;
  /** Called after a data request is queued (wakes this node's job runner). */
  readonly onDataRequest?: () => void;
  /** Called after a webhook was queued outside the workers (wakes this node's dispatcher). */
  readonly onWebhookQueued?: () => void;
}

/**
 * The HTTPS server. Silence is bounded at the listening socket (listen.ts closes a connection
 * that moves no bytes for `idleMs`); here the two slow drips it cannot see are bounded by the
 * same time: a TLS handshake, and request headers, that keep trickling in but never finish. A
 * request whose body keeps trickling is bounded by `requestTimeoutMs` (checked a few times within it).
 */
function httpsFactory(tls: NonNullable<AppOptions['tls']>, idleMs: number, requestTimeoutMs: number): FastifyServerFactory {
  return (handler) => {
    const server = createHttpsServer({
      key: tls.key, cert: tls.cert, handshakeTimeout: idleMs,
      headersTimeout: Math.min(60_000, idleMs, requestTimeoutMs), requestTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(requestTimeoutMs / 4))),
    }, handler);
    return server;
  };
}

const clientErrors: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Client Timeout'],
  HPE_HEADER_OVERFLOW: [431, 'Exceeded maximum allowed HTTP header size'],
};

/**
 * A request the HTTP parser refuses (headers past 16 KB, a malformed request line, a request that
 * took too long) gets Fastify's JSON answer. Fastify writes it and destroys the socket at once,
 * which on a TLS socket can drop the answer before it is encrypted and sent; ending the socket
 * sends it first.
 */
function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] = clientErrors[error.code ?? ''] ?? [400, 'Client Error'];
  const label = STATUS_CODES[status]!;
  const body = JSON.stringify({ error: label, message, statusCode: status });
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${label}\r\nContent-Length: ${body.length}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  setTimeout(() => socket.destroy(), 1000).unref();
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This server's metrics and usage counts (see src/operate/). */
    operations: { readonly metrics: Metrics; readonly usage: UsageRecorder };
  }
}

/** Route groups whose requests count towards a key's usage (the API's rate-limit groups). */
const usageGroups = new Set<string>(rateLimitGroups);

/**
 * Writes the request log line as pino writes `request.log.info({...}, 'request')`: the same fields
 * in the same order, so log tooling sees no difference.
 */
function requestLogLine(): (reqId: string, method: string, url: string, routePart: string, status: number, ms: number, keyId: string) => string {
  const head = '{"level":30,"time":';
  const host = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())},"reqId":`;
  return (reqId, method, url, routePart, status, ms, keyId) =>
    // Request ids (`req-` + base 36), methods and key ids (`key_` + hex) are made by Fastify or
    // Rollcall and need no escaping; the URL is the client's and does.
    `${head}${Date.now()}${host}"${reqId}","method":"${method}","url":${JSON.stringify(url)}${routePart},"status":${status},"ms":${ms}${keyId ? `,"key_id":"${keyId}"` : ''},"msg":"request"}\n`;
}

export async function buildApp(config: Config, deps: AppDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  // Log lines are buffered (64 KB, or a second) and written off the request path: with a line per request,
  // a write call each cost collects more than half their throughput (bench:collect).
  const logTo = options.logger === false || config.logLevel === 'silent' ? null : pino.destination({ dest: config.logFile ?? 1, sync: false, minLength: 65536, maxWrite: 262144, mkdir: true });
  const app = Fastify({
    logger: logTo === null ? false : { level: config.logLevel, stream: logTo },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    return503OnClosing: true,
    clientErrorHandler,
    ...(options.tls ? { serverFactory: httpsFactory(options.tls, config.connectionIdleMs, config.requestTimeoutMs) } : {}),
  });
  const metrics = new Metrics(deps.store);
  const usage = new UsageRecorder(deps.store, (error) => app.log.error({ err: error }, 'usage counts not written yet'));
  app.decorate('operations', { metrics, usage });
  app.addHook('onClose', async () => usage.close());
  if (logTo !== null) {
    // A quiet server still shows its lines within a second.
    const flusher = setInterval(() => logTo.flush(), 1000).unref();
    app.addHook('onClose', async () => {
      clearInterval(flusher);
      logTo.flushSync();
    });
  }
  installErrorHandler(app, (code) => {
    if (code === 'QUERY_TIMEOUT') metrics.searchTimeouts.inc();
  });
  // One place sees every answer: metrics by route group, usage by key and endpoint, and the
  // request log line (the key's id, never the key).
  // The request log line is written straight into the log's buffer, in pino's own format: pino
  // serializing an object per request was ~3 µs of every collect (a CPU profile of bench:collect).
  const logLine = config.requestLog && logTo !== null && (pino.levels.values[config.logLevel] ?? 30) <= 30 ? requestLogLine() : null;
  const routeJson = new Map<string, string>();
  app.addHook('onResponse', (request, reply, done) => {
    // (routeOptions is built anew on each read: read once.)
    const route = request.routeOptions;
    const group = route.config?.group ?? 'other';
    if (group === 'bench') return done();
    const status = reply.statusCode;
    const keyId = request.principal?.id ?? '';
    if (config.requestMetrics) {
      metrics.answered(group, status, reply.elapsedTime / 1000);
      if (usageGroups.has(group)) usage.record(keyId, `${request.method} ${route.url ?? ''}`, status, deps.clock.now());
    }
    if (logLine !== null) {
      // (No route for a request that matched none: the field is left out, as pino leaves out undefined.)
      const url = route.url ?? '';
      let routePart = routeJson.get(url);
      if (routePart === undefined) {
        routePart = `${route.url === undefined ? '' : `,"route":${JSON.stringify(route.url)}`},"group":${JSON.stringify(group)}`;
        routeJson.set(url, routePart);
      }
      logTo!.write(logLine(request.id, request.method, request.url, routePart, status, Math.round(reply.elapsedTime * 10) / 10, keyId));
    }
    done();
  });
  // An answer sent before the request's body has all arrived (a 401 or 429 from an onRequest hook)
  // closes the connection: otherwise the server would keep reading and discarding whatever the
  // client still trickles in, for as long as it likes, after the request is over. Only a request
  // that announced a body counts: a GET's message is not marked complete until it is read, which a
  // fast route may answer before (every GET closed its connection, measured: 500 instead of
  // 37,000 answers per second on keep-alive connections).
  app.addHook('onSend', async (request, reply) => {
    const announced = request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');
    if (announced && !request.raw.complete) reply.header('connection', 'close');
  });
  installNotFound(app);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBodyLength = (body as string).length;
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Rollcall — Coresignal-compatible Employee APIs', version: '0.1.0' },
      components: {
        securitySchemes: {
          apikey: { type: 'apiKey', in: 'header', name: 'apikey' },
          adminToken: { type: 'http', scheme: 'bearer', description: 'An admin token (rollcall admin create-token); API keys are refused.' },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/cdapi/docs' });
  await app.register(async (scope) => {
    await scope.register(routeGroupPlugin, { group: 'meta' });
    await scope.register(metaRoutes, { store: deps.store, benchCeiling: config.benchCeiling });
  });

  const { store, clock, signer, rateLimiter: limiter, datasets } = deps;
  const onCharged = (pool: string, amount: number): void => metrics.credits.inc({ pool }, amount);
  const keyCache = new KeyCache(config.authCacheMs, clock);
  // Every dataset's routes come from its registry entry (datasets/datasets.ts).
  const all = datasetNames.map((d) => datasets[d]);
  // Collect (and enrich): 54/s, collect credits per 200.
  for (const dataset of all) {
    const collect = dataset.routes.collect;
    if (!collect) continue;
    await app.register(async (scope) => {
      await scope.register(authPlugin, { store, signer, clock, keyCache });
      await scope.register(datasetAccessPlugin, { dataset: dataset.name });
      await scope.register(rateLimitPlugin, { group: 'collect', config, limiter, clock });
      await scope.register(creditsPlugin, { pool: 'collect', cost: costOf(config, dataset.name, 'collect'), reason: 'collect', precheck: false, store, clock, onCharged });
      await scope.register(collectRoutes, { store, dataset, urlSegment: collect.urlSegment, tag: dataset.routes.tag, prefixes: collect.prefixes, enrich: collect.enrich ?? [] });
    });
  }
  // Search: 18/s, search credits; the balance is checked before the (expensive) query runs.
  // The synonyms of semantic search: ROLLCALL_SEMANTIC_SYNONYMS's file, else the title catalogue's.
  const synonyms = config.semanticSynonymsFile ? loadSynonymFile(config.semanticSynonymsFile) : catalogueSynonyms();
  // One gate for every search route: a key's searches on all datasets share its share.
  const searchGate = new SearchGate(config.searchesPerKey, config.searchTimeoutMs);
  const searchFamilies = all.flatMap((dataset) => (['search', 'semanticSearch', 'filter', 'preview', 'filterPreview'] as const).flatMap((kind) => {
    const paths = dataset.routes[kind];
    return paths ? [{ kind, dataset, tag: dataset.routes.tag, paths }] : [];
  }));
  for (const family of searchFamilies) {
    await app.register(async (scope) => {
      const cost = costOf(config, family.dataset.name, family.kind === 'preview' || family.kind === 'filterPreview' ? 'preview' : 'search');
      await scope.register(authPlugin, { store, signer, clock, keyCache });
      await scope.register(datasetAccessPlugin, { dataset: family.dataset.name });
      await scope.register(rateLimitPlugin, { group: 'search', config, limiter, clock });
      await scope.register(creditsPlugin, { pool: 'search', cost, reason: family.kind, precheck: true, store, clock, onCharged });
      await scope.register(searchRoutes, { store, clock, synonyms, gate: searchGate, ...family });
    });
  }
  // map/ids: search's rate limit, free.
  for (const dataset of all.filter((d) => d.routes.mapIds)) {
    await app.register(async (scope) => {
      await scope.register(authPlugin, { store, signer, clock, keyCache });
      await scope.register(datasetAccessPlugin, { dataset: dataset.name });
      await scope.register(rateLimitPlugin, { group: 'search', config, limiter, clock });
      await scope.register(mapIdsRoutes, { store, dataset, paths: dataset.routes.mapIds!, tag: dataset.routes.tag });
    });
  }
  // Bulk collect: POSTs 27/s, file GETs 27/s; credits are charged per delivered record by the job.
  const onCreated = options.onDataRequest ?? ((): void => undefined);
  await app.register(async (scope) => {
    await scope.register(authPlugin, { store, signer, clock, keyCache });
    await scope.register(rateLimitPlugin, { group: 'bulk', config, limiter, clock });
    for (const dataset of all) {
      await scope.register(async (inner) => {
        await inner.register(datasetAccessPlugin, { dataset: dataset.name });
        for (const family of dataset.routes.bulk ?? []) {
          await inner.register(bulkCreateRoutes, { store, clock, config, onCreated, dataset, tag: dataset.routes.tag, ...family });
        }
      });
    }
  });
  await app.register(async (scope) => {
    await scope.register(authPlugin, { store, signer, clock, keyCache });
    await scope.register(rateLimitPlugin, { group: 'bulk_files', config, limiter, clock });
    await scope.register(bulkFilesRoutes, { store, files: deps.files, clock, config, base: '/cdapi/v2/data_requests', tag: 'Clean Employee API v2' });
    await scope.register(bulkFilesRoutes, { store, files: deps.files, clock, config, base: '/cdapi/v1/bulk_collect', tag: 'Employee API v1' });
  });
  // Subscriptions: create 9/min, management 27/s, simulate 1/s; no credits (spec §2.3). Create
  // paths come from each dataset's entry; management is by subscription id, whatever its dataset.
  const subscriptionOptions = { store, clock, config, dataset: datasets.employee_clean, tag: 'Webhook subscriptions' };
  await app.register(async (scope) => {
    await scope.register(authPlugin, { store, signer, clock, keyCache });
    await scope.register(rateLimitPlugin, { group: 'subscription_create', config, limiter, clock });
    for (const dataset of all.filter((d) => d.routes.subscriptions && d.changes)) {
      await scope.register(async (inner) => {
        await inner.register(datasetAccessPlugin, { dataset: dataset.name });
        await inner.register(subscriptionCreateRoutes, { ...subscriptionOptions, dataset });
      });
    }
  });
  await app.register(async (scope) => {
    await scope.register(authPlugin, { store, signer, clock, keyCache });
    await scope.register(rateLimitPlugin, { group: 'subscriptions', config, limiter, clock });
    await scope.register(subscriptionManageRoutes, subscriptionOptions);
  });
  await app.register(async (scope) => {
    await scope.register(authPlugin, { store, signer, clock, keyCache });
    await scope.register(rateLimitPlugin, { group: 'simulate', config, limiter, clock });
    await scope.register(subscriptionSimulateRoutes, { ...subscriptionOptions, onQueued: options.onWebhookQueued ?? ((): void => undefined) });
  });
  // Operating: the admin API and metrics, with admin tokens only (never an API key).
  await app.register(async (scope) => {
    await scope.register(routeGroupPlugin, { group: 'admin' });
    await scope.register(adminAuthPlugin, { store });
    await scope.register(adminRoutes, { store, clock, signer, config, usage, files: deps.files });
  });
  await app.register(async (scope) => {
    await scope.register(routeGroupPlugin, { group: 'console' });
    await scope.register(consoleRoutes);
  });
  await app.register(async (scope) => {
    await scope.register(routeGroupPlugin, { group: 'metrics' });
    if (!config.metricsPublic) await scope.register(adminAuthPlugin, { store });
    await scope.register(metricsRoutes, { metrics });
  });
  return app;
}
