// Streams the lines of a JSONL file, gunzipping when the file starts with the gzip magic bytes.
// Memory stays flat: lines are yielded one by one with the stream's own backpressure.
// Lines are cut from the byte chunks with Buffer.indexOf and decoded one by one, which measured
// several times faster than node:readline for multi-kilobyte JSON lines.
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

function isGzip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

export interface LineSource {
  readonly totalBytes: number;
  /** Bytes of the file (compressed, if gzip) read so far. */
  bytesRead(): number;
  lines(): AsyncIterable<string>;
}

async function* splitLines(stream: Readable): AsyncIterable<string> {
  let carry: Buffer | null = null;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    let nl = buf.indexOf(10, start);
    while (nl !== -1) {
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      yield buf.toString('utf8', start, end);
      start = nl + 1;
      nl = buf.indexOf(10, start);
    }
    carry = start < buf.length ? buf.subarray(start) : null;
  }
  if (carry && carry.length > 0) yield carry.toString('utf8');
}

export function openLines(file: string): LineSource {
  const totalBytes = statSync(file).size;
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  let stream: Readable = raw;
  if (isGzip(file)) {
    const gunzip = createGunzip({ chunkSize: 1 << 18 });
    raw.on('error', (e) => gunzip.destroy(e));
    stream = raw.pipe(gunzip);
  }
  return {
    totalBytes,
    bytesRead: () => raw.bytesRead,
    lines: () => splitLines(stream),
  };
}
