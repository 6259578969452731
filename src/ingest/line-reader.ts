// Streams the lines of a JSONL file, gunzipping when the file starts with the gzip magic bytes.
// Memory stays flat: lines are yielded one by one with the stream's own backpressure.
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
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

export function openLines(file: string): LineSource {
  const totalBytes = statSync(file).size;
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  let stream: Readable = raw;
  if (isGzip(file)) {
    const gunzip = createGunzip();
    raw.on('error', (e) => gunzip.destroy(e));
    stream = raw.pipe(gunzip);
  }
  return {
    totalBytes,
    bytesRead: () => raw.bytesRead,
    lines: () => createInterface({ input: stream, crlfDelay: Infinity }),
  };
}
