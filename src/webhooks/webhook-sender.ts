// Delivers one webhook POST. The host is resolved here, every address is checked against the
// TargetPolicy, and the socket connects to exactly those checked addresses (the lookup hook hands
// them to net.connect), so a DNS answer that changes between check and connect (DNS rebinding)
// cannot slip a private address in. Redirect targets go through the same check.
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { makeAddressCheck, validateWebhookUrl, WebhookTargetError, type AddressCheck, type TargetPolicy } from './ssrf-guard.js';

/** Resolves a hostname to all its addresses; `dns.promises.lookup` fits, tests inject fakes. */
export type HostLookup = (hostname: string, options: { all: true }) => Promise<readonly LookupAddress[]>;

export interface SendOptions {
  readonly policy: TargetPolicy;
  /** Budget for the whole delivery, redirects included. */
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly lookup?: HostLookup;
  /** Extra trusted CA (PEM) for https receivers, e.g. a self-signed test receiver. */
  readonly ca?: string | Buffer;
  readonly rejectUnauthorized?: boolean;
}

export interface SendResult {
  /** True for a 2xx answer from the final target. */
  readonly ok: boolean;
  /** HTTP status of the last response, or null when none was received. */
  readonly status: number | null;
  readonly error: string | null;
  /** The last URL attempted (after redirects), even when it was refused. */
  readonly finalUrl: string;
}

export const webhookUserAgent = 'rollcall-webhooks/1';
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
// Receivers' answers are not used; reading a little lets the connection end cleanly, the cap
// keeps a hostile receiver from making us download gigabytes.
const maxResponseBytes = 64 * 1024;

type HostCheck = (ip: string) => boolean;

/** The lookup hook for net.connect: resolve, refuse if ANY address is refused, else hand them over. */
function guardedLookup(resolve: HostLookup, check: HostCheck): LookupFunction {
  const resolveChecked = async (hostname: string): Promise<readonly LookupAddress[]> => {
    const found = await resolve(hostname, { all: true });
    if (found.length === 0) throw new Error(`webhook target ${hostname} did not resolve to any address`);
    // All, not just the one we would use: net may fall back to the others (happy eyeballs).
    const refused = found.find((a) => !check(a.address));
    if (refused) throw new WebhookTargetError(hostname, refused.address);
    return found;
  };
  return (hostname, opts, callback) => {
    resolveChecked(hostname).then(
      (found) => {
        const family = opts.family === 'IPv4' ? 4 : opts.family === 'IPv6' ? 6 : opts.family;
        const usable = family === 4 || family === 6 ? found.filter((a) => a.family === family) : [...found];
        const first = usable[0];
        if (first === undefined) callback(new Error(`webhook target ${hostname} has no IPv${family} address`), '');
        else if (opts.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), ''),
    );
  };
}

interface HopResult {
  readonly status: number;
  readonly location: string | null;
}

/** One POST to one URL; rejects on refusal, network error or abort. */
function postOnce(url: URL, body: string, headers: Record<string, string>, options: SendOptions, check: AddressCheck, signal: AbortSignal): Promise<HopResult> {
  return new Promise((resolve, reject) => {
    // Literal IPs never reach the lookup hook (net connects to them directly), so check here.
    const bare = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    if (isIP(bare) !== 0 && !check(bare, port)) {
      reject(new WebhookTargetError(url.hostname, bare));
      return;
    }
    const requestOptions: RequestOptions = {
      method: 'POST',
      headers,
      // A fresh, non-pooled connection each time: a pooled socket would skip the lookup hook,
      // and the policy may differ between deliveries.
      agent: false,
      lookup: guardedLookup(options.lookup ?? dnsLookup, (ip) => check(ip, port)),
      signal,
    };
    const req =
      url.protocol === 'https:'
        ? httpsRequest(url, { ...requestOptions, ca: options.ca, rejectUnauthorized: options.rejectUnauthorized })
        : httpRequest(url, requestOptions);
    let settled = false;
    req.on('error', (err) => {
      if (settled) return;
      settled = true;
      reject(err);
    });
    req.on('response', (res: IncomingMessage) => {
      const result = { status: res.statusCode ?? 0, location: res.headers.location ?? null };
      // Once the status is in, the delivery's outcome is known; a stalled or broken body
      // (including an abort while reading it) does not change it.
      const done = (): void => {
        if (settled) return;
        settled = true;
        resolve(result);
      };
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > maxResponseBytes) {
          res.destroy();
          done();
        }
      });
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.end(body);
  });
}

function describe(err: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `webhook delivery timed out after ${timeoutMs} ms`;
  if (err instanceof WebhookTargetError) return err.message;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/** POSTs `body` to `url`, following redirects; resolves with the outcome, never rejects on network trouble. */
export async function sendWebhook(url: string, body: string, headers: Record<string, string>, options: SendOptions): Promise<SendResult> {
  const first = validateWebhookUrl(url);
  if (!first.ok) return { ok: false, status: null, error: first.reason, finalUrl: url };
  const check = makeAddressCheck(options.policy); // throws on a bad allowList: a config error
  const allHeaders: Record<string, string> = { 'content-type': 'application/json', 'user-agent': webhookUserAgent };
  for (const [name, value] of Object.entries(headers)) allHeaders[name.toLowerCase()] = value;
  allHeaders['content-length'] = String(Buffer.byteLength(body));

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  let target = first.url;
  try {
    for (let redirects = 0; ; redirects++) {
      let hop: HopResult;
      try {
        hop = await postOnce(target, body, allHeaders, options, check, controller.signal);
      } catch (err) {
        return { ok: false, status: null, error: describe(err, controller.signal, options.timeoutMs), finalUrl: target.href };
      }
      const fail = (error: string): SendResult => ({ ok: false, status: hop.status, error, finalUrl: target.href });
      if (redirectStatuses.has(hop.status) && hop.location !== null) {
        if (redirects >= options.maxRedirects) return fail(`webhook target redirected more than ${options.maxRedirects} times`);
        let next: URL;
        try {
          next = new URL(hop.location, target);
        } catch {
          return fail(`webhook target redirected to an invalid URL`);
        }
        const checked = validateWebhookUrl(next.href);
        if (!checked.ok) return fail(`webhook target redirected to a refused URL: ${checked.reason}`);
        target = checked.url;
        continue;
      }
      if (hop.status >= 200 && hop.status < 300) return { ok: true, status: hop.status, error: null, finalUrl: target.href };
      return fail(`webhook target answered HTTP ${hop.status}`);
    }
  } finally {
    clearTimeout(timer);
  }
}
