// Drives the bulk endpoints through inject(): POSTs (JSON and multipart), polling the files list
// until the request is done, and downloading part files as parsed JSON Lines.
import { gunzipSync } from 'node:zlib';
import type { Harness } from './harness.js';

export function multipartBody(files: Record<string, string | Buffer>, fields: Record<string, string> = {}): { payload: Buffer; contentType: string } {
  const boundary = `----rollcall${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const [name, content] of Object.entries(files)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="ids.csv"\r\nContent-Type: text/csv\r\n\r\n`));
    parts.push(Buffer.isBuffer(content) ? content : Buffer.from(content));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function bulkClient(h: Harness, apiKey: string) {
  const headers = (key: string) => ({ apikey: key });
  return {
    post: (url: string, body: unknown, key = apiKey) => h.app.inject({ method: 'POST', url, headers: headers(key), payload: body as object }),
    upload(url: string, file: string | Buffer, fields: Record<string, string> = {}, key = apiKey) {
      const { payload, contentType } = multipartBody({ ids_file: file }, fields);
      return h.app.inject({ method: 'POST', url, headers: { ...headers(key), 'content-type': contentType }, payload });
    },
    get: (url: string, key = apiKey, extra: Record<string, string> = {}) => h.app.inject({ method: 'GET', url, headers: { ...headers(key), ...extra } }),
    /** Polls `.../files` until it stops answering 202. */
    async wait(filesUrl: string, key = apiKey, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await h.app.inject({ method: 'GET', url: filesUrl, headers: headers(key) });
        if (res.statusCode !== 202) return res;
        if (Date.now() > deadline) throw new Error(`data request still processing after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    /** Every record in every listed file, in file order. */
    async records(filesUrl: string, names: readonly string[], key = apiKey): Promise<Record<string, unknown>[]> {
      const out: Record<string, unknown>[] = [];
      for (const name of names) {
        const res = await h.app.inject({ method: 'GET', url: `${filesUrl}/${name}`, headers: headers(key) });
        if (res.statusCode !== 200) throw new Error(`download of ${name} answered ${res.statusCode}: ${res.body}`);
        const text = gunzipSync(res.rawPayload).toString('utf8');
        for (const line of text.split('\n')) if (line) out.push(JSON.parse(line) as Record<string, unknown>);
      }
      return out;
    },
  };
}
