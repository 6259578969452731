// Starts `rollcall` as a real child process and talks to it over real HTTPS.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request as httpsRequest, Agent, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const rollcallBin = fileURLToPath(new URL('../../../bin/rollcall.js', import.meta.url));

/** Runs `rollcall ARGS` to the end and returns its standard output; a non-zero exit fails the test with its output. */
export function cli(...args: string[]): string {
  const res = spawnSync(process.execPath, [rollcallBin, ...args], { encoding: 'utf8' });
  assert.equal(res.status, 0, `rollcall ${args.join(' ')}:\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

export interface Server {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  readonly port: number;
  /** Everything the server printed to stdout so far. */
  stdout(): string;
  /** Everything the server printed to stderr so far. */
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServer(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<Server> {
  const child = spawn(process.execPath, [rollcallBin, 'serve', '--port', '0', ...args], {
    env: { ...process.env, ROLLCALL_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  // The last megabyte is kept: a server that logs every request (bench:collect with its request
  // log on) would otherwise grow this string without bound.
  child.stdout!.on('data', (d) => {
    out += d;
    if (out.length > 2 << 20) out = out.slice(-(1 << 20));
  });
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${out}\n${err}`)), timeoutMs);
    const check = (): void => {
      const m = /listening on (https:\/\/\S+)\s/.exec(out);
      if (m && /API docs: \S+\n/.test(out) && (!args.includes('--demo') || /try: curl .*\n/.test(out))) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}\n${err}`));
    });
  });
  return {
    child,
    baseUrl,
    port: Number(new URL(baseUrl).port),
    stdout: () => out,
    stderr: () => err,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}

export interface Response {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

type Requester = typeof httpsRequest;

function get(request: Requester, url: string, options: RequestOptions): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

export function httpsGet(url: string, headers: Record<string, string>, ca: string, agent?: Agent): Promise<Response> {
  return get(httpsRequest, url, { headers, ca, ...(agent ? { agent } : {}) });
}

export function httpsPost(url: string, headers: Record<string, string>, ca: string, body: unknown, agent?: Agent): Promise<Response> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const options = { method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }, ca, ...(agent ? { agent } : {}) };
    const req = httpsRequest(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export function plainHttpGet(url: string): Promise<Response> {
  return get(httpRequest as Requester, url, {});
}

/** GET with the body as bytes (part files are gzip). */
export function httpsGetBuffer(url: string, headers: Record<string, string>, ca: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { headers, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

/** Starts `rollcall worker ARGS` and resolves once it says it is running. */
export async function startWorker(args: string[], env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [rollcallBin, 'worker', ...args], { env: { ...process.env, ROLLCALL_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return child;
}

/** A loopback port nothing listens on at this moment. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
