// How a store keeps a record's JSON: as text, or (the embedded store) as one gzip member of it.
// A gzip member is what an HTTP response with `Content-Encoding: gzip` carries, so collect can
// send it to a client that accepts gzip without inflating it; everyone else gets the text.
import { promisify } from 'node:util';
import { gunzip, gunzipSync, gzipSync } from 'node:zlib';

const gunzipAsync = promisify(gunzip) as (input: Buffer, options: { chunkSize: number }) => Promise<Buffer>;

export type RecordForm = 'text' | 'gzip';

/** A record as a store returns it for sending. */
export type StoredRecord = { readonly json: string } | { readonly gzip: Buffer };

/**
 * zlib level for stored records. Measured on 4,000 generated clean records (8.7 KB of JSON each,
 * one zlib call per record): level 1 makes them 3.2x smaller in ~86 µs, level 6 3.5x in ~117 µs;
 * the import pays it on its parse workers, so the faster level (docs/architecture.md).
 */
const level = 1;

export function compressRecord(json: string): Buffer {
  return gzipSync(json, { level });
}

/** A stored value as the store reads it: text (written before records were compressed) or a gzip member. */
export type StoredValue = string | Uint8Array;

export function storedText(value: StoredValue): string {
  return typeof value === 'string' ? value : gunzipSync(value).toString('utf8');
}

/**
 * The JSON bytes of many stored values, with one inflate on libuv's thread pool for all the gzip
 * members among them: concatenated members are one valid gzip stream, and each member's trailer
 * holds its inflated length (ISIZE), which splits the output again.
 */
export async function inflateMany(values: readonly (StoredValue | undefined)[]): Promise<(Buffer | null)[]> {
  const members = values.filter((v): v is Uint8Array => v !== undefined && typeof v !== 'string');
  // One output chunk for the whole batch: zlib's default 16 KB chunks cost a thread-pool round
  // trip and a callback on this thread each (55 per 100 records; the export ran 1.7x slower).
  const all = members.length === 0 ? Buffer.alloc(0) : await gunzipAsync(Buffer.concat(members), { chunkSize: 4 << 20 });
  let at = 0;
  return values.map((v) => {
    if (v === undefined) return null;
    if (typeof v === 'string') return Buffer.from(v, 'utf8');
    const size = new DataView(v.buffer, v.byteOffset + v.byteLength - 4, 4).getUint32(0, true);
    const out = all.subarray(at, at + size);
    at += size;
    return out;
  });
}

export function asStoredRecord(value: StoredValue): StoredRecord {
  return typeof value === 'string' ? { json: value } : { gzip: Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength) };
}

export function recordJson(record: StoredRecord): string {
  return 'json' in record ? record.json : gunzipSync(record.gzip).toString('utf8');
}
