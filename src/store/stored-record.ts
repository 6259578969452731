// How a store keeps a record's JSON: as text, as one gzip member of it, or (the embedded store's
// current form) deflated with a dictionary made from its dataset's own records.
//
// A gzip member is what an HTTP response with `Content-Encoding: gzip` carries, so collect sends
// it to a client that accepts gzip without inflating it. A record deflated with a dictionary takes
// half the bytes of a gzip member (generated clean records: 8.7 KB of JSON, 2,741 bytes as a gzip
// member, 1,356 with a dictionary, see bench/RESULTS.md) but no client can inflate it: collect
// sends its text. Every form stays readable, so a store holds any mix of them.
import { promisify } from 'node:util';
import { deflateRawSync, gunzip, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';

const gunzipAsync = promisify(gunzip) as (input: Buffer, options: { chunkSize: number }) => Promise<Buffer>;

/** `text`: the store keeps JSON text; `compressed`: it keeps compressed bytes, which importers make ahead of the write. */
export type RecordForm = 'text' | 'compressed';

/** A record as a store returns it for sending. */
export type StoredRecord = { readonly json: string } | { readonly gzip: Buffer };

/** A stored value as the store reads it: text (written before records were compressed), a gzip member, or deflated with a dictionary. */
export type StoredValue = string | Uint8Array;

/** Deflate's preset dictionary for one dataset's records, and the id its records carry. */
export interface RecordDictionary {
  readonly id: number;
  readonly bytes: Uint8Array;
}

/** The dictionary of an id, as the store that wrote the record holds it (throws if it holds none). */
export type DictionaryLookup = (id: number) => Uint8Array;

/**
 * zlib level of a gzip member. Measured on 4,000 generated clean records (8.7 KB of JSON each,
 * one zlib call per record): level 1 makes them 3.2x smaller in ~86 µs, level 6 3.5x in ~117 µs;
 * the import pays it on its parse workers, so the faster level (docs/architecture.md).
 */
const gzipLevel = 1;
/**
 * zlib level with a dictionary. Measured on 2,000 generated clean records: level 1 gives 1,760
 * bytes in ~98 µs, level 4 1,514 in ~120 µs, level 6 1,356 in ~150 µs; the import's parse workers
 * pay it, and the writing thread, not they, sets the import's pace.
 */
const dictionaryLevel = 6;
/** The first byte of a record deflated with a dictionary; its dictionary's id follows (uint32, little-endian), then raw deflate. A gzip member starts 0x1f. */
const dictionaryMark = 0x01;
const headerBytes = 5;
/** Deflate looks back at most 32 KB: a longer dictionary only adds bytes it cannot use. */
export const dictionaryBytes = 32 * 1024;

/**
 * Fewer sample bytes than this make no dictionary: a dataset keeps its first one, and a first
 * import of a record or two should not set it for every record after (their records are kept as
 * gzip members until an import brings enough lines).
 */
export const minDictionarySample = 16 * 1024;

/**
 * A dictionary for records like `samples`: their text, joined, up to its last 32 KB. Deflate
 * then finds in it the field names, the shape and the common values of a record. Measured on
 * generated clean records against choosing records greedily by the bytes they save: within 1 %.
 * Null when the samples are too few to make one (minDictionarySample).
 */
export function trainDictionary(samples: readonly string[]): Uint8Array | null {
  const joined = Buffer.from(samples.join('\n'), 'utf8');
  return joined.length < minDictionarySample ? null : new Uint8Array(joined.subarray(Math.max(0, joined.length - dictionaryBytes)));
}

/** A record's JSON as the store keeps it: deflated with the dictionary, else as a gzip member. */
export function compressRecord(json: string, dictionary: RecordDictionary | null = null): Buffer {
  if (dictionary === null) return gzipSync(json, { level: gzipLevel });
  const body = deflateRawSync(json, { level: dictionaryLevel, dictionary: dictionary.bytes });
  const out = Buffer.allocUnsafe(headerBytes + body.length);
  out[0] = dictionaryMark;
  out.writeUInt32LE(dictionary.id, 1);
  body.copy(out, headerBytes);
  return out;
}

const isDeflated = (value: Uint8Array): boolean => value[0] === dictionaryMark && value.length > headerBytes;
const dictionaryId = (value: Uint8Array): number => new DataView(value.buffer, value.byteOffset + 1, 4).getUint32(0, true);
const asBuffer = (value: Uint8Array): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength));

const noDictionaries: DictionaryLookup = (id) => {
  throw new Error(`a record deflated with dictionary ${id} was read without its store's dictionaries`);
};

export function storedText(value: StoredValue, dictionaries: DictionaryLookup = noDictionaries): string {
  if (typeof value === 'string') return value;
  if (isDeflated(value)) return inflateRawSync(value.subarray(headerBytes), { dictionary: dictionaries(dictionaryId(value)) }).toString('utf8');
  return gunzipSync(value).toString('utf8');
}

/**
 * The JSON bytes of many stored values. The gzip members among them are inflated with one
 * inflate on libuv's thread pool (concatenated members are one valid gzip stream, and each
 * member's trailer holds its inflated length, ISIZE, which splits the output again). The ones
 * deflated with a dictionary cannot be joined so: each is inflated here, ~25 µs (one async
 * inflate per record made a bulk export 1.4x slower: a thread-pool round trip and a callback
 * each, bench/RESULTS.md).
 */
export async function inflateMany(values: readonly (StoredValue | undefined)[], dictionaries: DictionaryLookup = noDictionaries): Promise<(Buffer | null)[]> {
  const members = values.filter((v): v is Uint8Array => v !== undefined && typeof v !== 'string' && !isDeflated(v));
  // One output chunk for the whole batch: zlib's default 16 KB chunks cost a thread-pool round
  // trip and a callback on this thread each (55 per 100 records; the export ran 1.7x slower).
  const all = members.length === 0 ? Buffer.alloc(0) : await gunzipAsync(Buffer.concat(members), { chunkSize: 4 << 20 });
  let at = 0;
  return values.map((v) => {
    if (v === undefined) return null;
    if (typeof v === 'string') return Buffer.from(v, 'utf8');
    if (isDeflated(v)) return inflateRawSync(v.subarray(headerBytes), { dictionary: dictionaries(dictionaryId(v)) });
    const size = new DataView(v.buffer, v.byteOffset + v.byteLength - 4, 4).getUint32(0, true);
    const out = all.subarray(at, at + size);
    at += size;
    return out;
  });
}

/** A stored value ready to send: a gzip member as it is, anything else as its text. */
export function asStoredRecord(value: StoredValue, dictionaries: DictionaryLookup = noDictionaries): StoredRecord {
  if (typeof value === 'string') return { json: value };
  return isDeflated(value) ? { json: storedText(value, dictionaries) } : { gzip: asBuffer(value) };
}

export function recordJson(record: StoredRecord): string {
  return 'json' in record ? record.json : gunzipSync(record.gzip).toString('utf8');
}
