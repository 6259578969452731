// A typed client for Rollcall and for Coresignal's own Employee APIs (`import { RollcallClient }
// from 'rollcall/client'`): collect, search and preview per dataset, every page of a search as an
// async iteration, bulk data requests from request to downloaded records, subscriptions, webhook
// signature checks, and retries on 429 and 503 as `Retry-After` says. Node.js only (node:https),
// with no dependencies, so it can be copied into any project.
import { request as httpsRequest, Agent } from 'node:https';
import { request as httpRequest } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

/** The datasets a Rollcall server (and Coresignal) serves. */
export type DatasetName = 'employee_clean' | 'employee_multi_source' | 'employee_base' | 'company_base' | 'employee';

interface RecordBase {
  readonly id: number;
  readonly [field: string]: unknown;
}

export interface CleanEmployee extends RecordBase {
  readonly full_name?: string | null;
  readonly headline?: string | null;
  readonly location?: string | null;
  readonly country?: string | null;
  readonly last_updated?: string | null;
  readonly experience?: readonly Record<string, unknown>[];
}

export interface MultiSourceEmployee extends RecordBase {
  readonly full_name?: string | null;
  readonly headline?: string | null;
  readonly active_experience_title?: string | null;
  readonly experience?: readonly Record<string, unknown>[];
}

export interface BaseEmployee extends RecordBase {
  readonly full_name?: string | null;
  readonly headline?: string | null;
  readonly experience?: readonly Record<string, unknown>[];
}

export interface BaseCompany extends RecordBase {
  readonly name?: string | null;
  readonly website?: string | null;
}

/** The legacy v1 member record. */
export interface Member extends RecordBase {
  readonly name?: string | null;
  readonly title?: string | null;
}

export interface DatasetRecords {
  readonly employee_clean: CleanEmployee;
  readonly employee_multi_source: MultiSourceEmployee;
  readonly employee_base: BaseEmployee;
  readonly company_base: BaseCompany;
  readonly employee: Member;
}

/** An Elasticsearch search request body: `query`, and optionally `sort`. */
export interface EsDslQuery {
  readonly query?: Record<string, unknown>;
  readonly sort?: readonly unknown[];
  readonly [key: string]: unknown;
}

export interface ClientOptions {
  /** Up to and including `/cdapi`, e.g. `https://127.0.0.1:8443/cdapi` or `https://api.coresignal.com/cdapi`. */
  readonly baseUrl: string;
  /** Sent as the `apikey` header. */
  readonly apiKey?: string;
  /** Sent as `Authorization: Bearer` when there is no `apiKey`. */
  readonly jwt?: string;
  /** PEM certificate(s) to trust (a server with a self-signed certificate). */
  readonly ca?: string | Buffer;
  /** Retries of a 429 or 503 (each after its `Retry-After`, at most `maxRetryWaitMs`). Default 3. */
  readonly maxRetries?: number;
  readonly maxRetryWaitMs?: number;
  /** Per request, ms. Default 60,000. */
  readonly timeoutMs?: number;
}

/** A non-2xx answer, with the status and the body as the server sent it. */
export class RollcallError extends Error {
  override readonly name = 'RollcallError';
  constructor(readonly status: number, readonly body: unknown, readonly headers: Readonly<Record<string, string>>) {
    super(`HTTP ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
  }
}

export interface SearchPage {
  readonly ids: readonly number[];
  /** `x-total-results`: every match, not just this page. */
  readonly total: number;
  /** `x-next-page-after`, to pass as `after`; null on the last page. */
  readonly nextAfter: string | null;
}

export interface SearchOptions {
  readonly after?: string;
  /** 1..1000 (the server's default: 1,000). */
  readonly itemsPerPage?: number;
}

export interface BulkOptions {
  readonly limit?: number;
  readonly webhookUrl?: string;
}

export interface WaitOptions {
  readonly pollMs?: number;
  readonly timeoutMs?: number;
}

export type SubscriptionSelection = 'ids' | 'es_dsl' | 'all';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Collect and search paths of each dataset (the legacy `employee` dataset lives under v1). */
function paths(dataset: DatasetName): { collect: string; search: string; preview: string } {
  if (dataset === 'employee') {
    return { collect: '/v1/professional_network/employee/collect', search: '/v1/professional_network/employee/search/es_dsl', preview: '/v1/professional_network/employee/search/es_dsl/preview' };
  }
  return { collect: `/v2/${dataset}/collect`, search: `/v2/${dataset}/search/es_dsl`, preview: `/v2/${dataset}/search/es_dsl/preview` };
}

export class RollcallClient {
  private readonly base: URL;
  private readonly agent: Agent | undefined;
  private readonly maxRetries: number;
  private readonly maxRetryWaitMs: number;
  private readonly timeoutMs: number;

  readonly bulk = {
    /** Queues a bulk data request for the records an ES DSL query matches; returns its id. */
    esDsl: async (dataset: DatasetName, query: EsDslQuery, options: BulkOptions = {}): Promise<string> => {
      const body = { es_dsl_query: query, ...(options.limit !== undefined ? { limit: options.limit } : {}), ...(options.webhookUrl ? { webhook_url: options.webhookUrl } : {}) };
      return this.created(await this.send('POST', `/v2/data_requests/${dataset}/es_dsl`, body));
    },
    /** Queues a bulk data request for listed ids (Clean takes them as an `id_file` upload). */
    ids: async (dataset: DatasetName, ids: readonly number[], options: BulkOptions = {}): Promise<string> => {
      if (dataset !== 'employee_clean') {
        const body = { ids, ...(options.webhookUrl ? { webhook_url: options.webhookUrl } : {}) };
        return this.created(await this.send('POST', `/v2/data_requests/${dataset}/ids`, body));
      }
      const boundary = `----rollcall${Date.now().toString(16)}`;
      const parts = [`--${boundary}\r\nContent-Disposition: form-data; name="ids_file"; filename="ids.csv"\r\nContent-Type: text/csv\r\n\r\n${ids.join('\n')}\n\r\n`];
      if (options.webhookUrl) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="webhook_url"\r\n\r\n${options.webhookUrl}\r\n`);
      parts.push(`--${boundary}--\r\n`);
      return this.created(await this.send('POST', `/v2/data_requests/${dataset}/id_file`, Buffer.from(parts.join('')), `multipart/form-data; boundary=${boundary}`));
    },
    /** The request's file names once it is done (polls while the server answers 202). */
    wait: async (requestId: string, options: WaitOptions = {}): Promise<string[]> => {
      const deadline = Date.now() + (options.timeoutMs ?? 600_000);
      for (;;) {
        const answer = await this.send('GET', `/v2/data_requests/${encodeURIComponent(requestId)}/files`);
        const files = (this.json(answer) as { data_request_files: string[] }).data_request_files;
        if (answer.status === 200) return files;
        if (Date.now() > deadline) throw new Error(`data request ${requestId} not done after ${options.timeoutMs ?? 600_000} ms`);
        await sleep(options.pollMs ?? 1000);
      }
    },
    /** One part file as downloaded (gzip JSON Lines). */
    download: async (requestId: string, file: string): Promise<Buffer> =>
      (await this.send('GET', `/v2/data_requests/${encodeURIComponent(requestId)}/files/${file.split('/').map(encodeURIComponent).join('/')}`)).body,
    /** Waits for the request, downloads every part and yields its records. */
    records: <D extends DatasetName>(_dataset: D, requestId: string, options: WaitOptions = {}): AsyncGenerator<DatasetRecords[D]> => this.bulkRecords<D>(requestId, options),
  };

  readonly subscriptions = {
    /** Subscribes a webhook to experience or profile changes of listed ids, a query's matches, or everyone. */
    create: async (
      type: 'experience_changes' | 'profile_changes', dataset: DatasetName, selection: SubscriptionSelection,
      body: { webhook_url: string; ids?: readonly number[]; es_dsl_query?: EsDslQuery; tracked_fields?: readonly string[] },
    ): Promise<string> => {
      const path = type === 'experience_changes' ? `/v2/subscriptions/experience_changes/${dataset}/${selection}` : `/v2/subscriptions/${dataset}/${selection}`;
      return (this.json(await this.send('POST', path, body)) as { subscription_id: string }).subscription_id;
    },
    list: async (options: { expired?: boolean; page?: number } = {}): Promise<Record<string, unknown>[]> =>
      this.json(await this.send('GET', `/v2/subscriptions?expired=${options.expired ? 'true' : 'false'}&page=${options.page ?? 1}`)) as Record<string, unknown>[],
    get: async (id: string): Promise<Record<string, unknown>> => this.json(await this.send('GET', `/v2/subscriptions/${encodeURIComponent(id)}`)) as Record<string, unknown>,
    renew: async (id: string): Promise<Record<string, unknown>> => this.json(await this.send('POST', `/v2/subscriptions/${encodeURIComponent(id)}/renew`)) as Record<string, unknown>,
    delete: async (id: string): Promise<void> => {
      await this.send('DELETE', `/v2/subscriptions/${encodeURIComponent(id)}`);
    },
  };

  constructor(private readonly options: ClientOptions) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.agent = this.base.protocol === 'https:' ? new Agent({ keepAlive: true, ...(options.ca ? { ca: options.ca } : {}) }) : undefined;
    this.maxRetries = options.maxRetries ?? 3;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 60_000;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** One record by id, shorthand name or profile URL; null when there is none (404). */
  async collect<D extends DatasetName>(dataset: D, idOrName: number | string): Promise<DatasetRecords[D] | null> {
    try {
      return this.json(await this.send('GET', `${paths(dataset).collect}/${encodeURIComponent(String(idOrName))}`)) as DatasetRecords[D];
    } catch (error) {
      if (error instanceof RollcallError && error.status === 404) return null;
      throw error;
    }
  }

  /** One page of matching ids. */
  async search(dataset: DatasetName, query: EsDslQuery, options: SearchOptions = {}): Promise<SearchPage> {
    const params = new URLSearchParams();
    if (options.after !== undefined) params.set('after', options.after);
    if (options.itemsPerPage !== undefined) params.set('items_per_page', String(options.itemsPerPage));
    const qs = params.size > 0 ? `?${params}` : '';
    const answer = await this.send('POST', `${paths(dataset).search}${qs}`, query);
    return { ids: this.json(answer) as number[], total: Number(answer.headers['x-total-results'] ?? 0), nextAfter: answer.headers['x-next-page-after'] ?? null };
  }

  /** Every matching id, page after page (each page is one search call and its credits). */
  async *searchAll(dataset: DatasetName, query: EsDslQuery, options: Omit<SearchOptions, 'after'> = {}): AsyncGenerator<number> {
    let after: string | undefined;
    do {
      const page = await this.search(dataset, query, { ...options, ...(after !== undefined ? { after } : {}) });
      yield* page.ids;
      after = page.nextAfter ?? undefined;
    } while (after !== undefined);
  }

  /** The best matches as preview objects (20 per page). */
  async preview(dataset: DatasetName, query: EsDslQuery, page = 1): Promise<{ items: Record<string, unknown>[]; total: number }> {
    const answer = await this.send('POST', `${paths(dataset).preview}?page=${page}`, query);
    return { items: this.json(answer) as Record<string, unknown>[], total: Number(answer.headers['x-total-results'] ?? 0) };
  }

  private async *bulkRecords<D extends DatasetName>(requestId: string, options: WaitOptions): AsyncGenerator<DatasetRecords[D]> {
    for (const file of await this.bulk.wait(requestId, options)) {
      const text = gunzipSync(await this.bulk.download(requestId, file)).toString('utf8');
      for (const line of text.split('\n')) if (line.trim() !== '') yield JSON.parse(line) as DatasetRecords[D];
    }
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.agent?.destroy();
  }

  private created(answer: Answer): string {
    return (this.json(answer) as { request_id: string }).request_id;
  }

  private json(answer: Answer): unknown {
    return JSON.parse(answer.body.toString('utf8'));
  }

  /** One call, retried on 429 and 503 after `Retry-After`; a non-2xx after that is a RollcallError. */
  private async send(method: string, path: string, body?: unknown, contentType?: string): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      const answer = await this.once(method, path, body, contentType);
      if (answer.status >= 200 && answer.status < 300) return answer;
      if ((answer.status === 429 || answer.status === 503) && attempt < this.maxRetries) {
        const seconds = Number(answer.headers['retry-after']);
        await sleep(Math.min(this.maxRetryWaitMs, Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000 * 2 ** attempt));
        continue;
      }
      let parsed: unknown = answer.body.toString('utf8');
      try {
        parsed = JSON.parse(parsed as string);
      } catch {
        // not JSON: kept as text
      }
      throw new RollcallError(answer.status, parsed, answer.headers);
    }
  }

  private once(method: string, path: string, body?: unknown, contentType?: string): Promise<Answer> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.apiKey) headers['apikey'] = this.options.apiKey;
    else if (this.options.jwt) headers['authorization'] = `Bearer ${this.options.jwt}`;
    if (payload) {
      headers['content-type'] = contentType ?? 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method, headers, ...(this.agent ? { agent: this.agent } : {}), timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/**
 * Checks a webhook delivery: `signature` is its `x-rollcall-signature` header (`t=<unix seconds>,v1=<hex>`),
 * `body` the raw request body, `secret` the key's webhook secret (`rollcall keys webhook-secret`).
 * False when the signature does not match or is older than `toleranceSeconds` (replays).
 */
export function verifyWebhookSignature(secret: string, signature: string, body: string | Buffer, options: { nowSeconds?: number; toleranceSeconds?: number } = {}): boolean {
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  let t: number | null = null;
  const candidates: Buffer[] = [];
  for (const part of signature.split(',')) {
    const [key, value] = part.split('=', 2).map((s) => s.trim());
    if (key === 't' && value !== undefined && /^\d{1,15}$/.test(value)) t = Number(value);
    else if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/i.test(value)) candidates.push(Buffer.from(value, 'hex'));
  }
  if (t === null || candidates.length === 0 || Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
  // Constant-time compare, so response timing does not leak how many bytes matched; any of several
  // v1 entries may match while a secret is being rotated.
  return candidates.some((c) => timingSafeEqual(c, expected));
}
