// How a store keeps a record's JSON: as text, or (the embedded store) as one gzip member of it.
// A gzip member is what an HTTP response with `Content-Encoding: gzip` carries, so collect can
// send it to a client that accepts gzip without inflating it; everyone else gets the text.
import { gunzipSync, gzipSync } from 'node:zlib';

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

export function storedBytes(value: StoredValue): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : gunzipSync(value);
}

export function asStoredRecord(value: StoredValue): StoredRecord {
  return typeof value === 'string' ? { json: value } : { gzip: Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength) };
}

export function recordJson(record: StoredRecord): string {
  return 'json' in record ? record.json : gunzipSync(record.gzip).toString('utf8');
}
