// Bitmap postings of the embedded store: the document sets of the index kept as roaring bitmaps,
// so that broad set algebra (terms, ranges, exists, nested, minimum_should_match) costs bitmap
// operations instead of reading every posting through SQL (docs/architecture.md, "Bitmap
// postings").
//
// Records are cut into shards of 65,536 consecutive ids. Within a shard a document is a 32-bit
// value: a record is its id's offset in the shard; the entries of a nested type are numbered
// 0, 1, 2... in record order, and a per-shard list gives each entry's record offset. (Numbering
// entries as the FTS5 rowids do, offset × 1024 + sequence, spread 5 entries a record over 1,024
// roaring containers per shard: each entry set cost ~2 bytes an entry, a range over nested
// numbers read ~1 MB per shard; dense numbers make the same sets runs and bitsets.)
//
//   {d}_postings:        (shard, type, col, term) → bitmap: the documents of a type holding a
//                        term in a token column; col -1, term '' is every document of the type;
//                        the exists marker (µ) of a column is its documents with a value; col
//                        -2 of a nested type is its entries' record offsets (16-bit each);
//                        col -3 of the record type is its records in the default order (see
//                        recencyOrder below), col -4 that order's last_updated values, col
//                        -16 - c the record documents holding a term of column c more than
//                        once, with how many times (BM25's term frequency; once otherwise),
//                        col -100000 - c each record's length in text column c as Lucene
//                        stores it (one byte a record offset, src/search/bm25.ts), and col
//                        -200000 - c, for a column that keeps only its exists marker (rare
//                        terms), the documents of each prefix of its terms of 1 and 2 bytes
//                        (Elasticsearch's index_prefixes), so `prefix: Jo` stays a bitmap read.
//   {d}_number_buckets:  (shard, type, field, bucket) → the documents with a value of a number
//                        field in [lo, hi]: buckets of about equal size in value order, so a
//                        range reads whole buckets and filters only the two at its edges.
//                        Bucket -1 is every document with a value (exists).
//   {d}_number_pairs:    (shard, type, field, bucket, block) → a bucket's (value, document)
//                        pairs sorted by value, for buckets with lo < hi, in blocks of 512
//                        pairs with their own [lo, hi]: what a range filters at its edges reads
//                        only the blocks around its bound. Kept apart from the bitmaps, which a
//                        range reads whole: in one row, a bitmap sat behind its 48 KB of pairs
//                        and each read walked their overflow pages (1M people: 245 bucket
//                        reads 20 → 4 ms); a whole bucket's pairs cost ~110 µs to read, a
//                        block of 6 KB fits in its b-tree page.
//   {d}_posting_shards:  per shard, a version the index writer increments with every change to
//                        the shard's documents, the version the postings were built from, and
//                        which columns they hold. A shard is current when both versions agree;
//                        a search that meets a stale or unbuilt shard runs in SQL.
//
// Postings are built a whole shard at a time from the version of each record the index holds
// (the records, or the deferred-index queue's older version), after an import or `rollcall
// index`, never in the import's own transaction: the writer only bumps the shard's version.
import type { Database, Statement } from 'better-sqlite3';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import roaring from 'roaring';
import type { DatasetName } from '../../datasets/datasets.js';
import { existsToken, indexDocuments, type ColumnFilter } from '../../search/index-documents.js';
import type { IndexLayout } from '../../search/index-layout.js';
import type { StoredValue } from '../stored-record.js';
import { dictionariesOf } from './record-dictionaries.js';
import type { PostingsReport } from '../store.js';
import { intToByte4 } from '../../search/bm25.js';

const { RoaringBitmap32 } = roaring;
export type Bitmap = InstanceType<typeof RoaringBitmap32>;
export { RoaringBitmap32 };

/** The postings' encoding: a shard built in another is stale (built again by the next refresh). */
export const postingsFormat = 8;
export const shardBits = 16;
export const shardSize = 1 << shardBits;
/** Bitmaps are stored in the portable roaring format (readable by any roaring implementation). */
export const bitmapFormat = 'portable' as const;

/**
 * A text column is held as terms when it averages at most this many tokens per record: fields
 * up to a few sentences (skills ~15, titles, descriptions ~31-42 in the bench data). Longer text
 * stays in FTS5 only: its terms would be most of the build's work.
 */
const maxTextTokensPerRecord = 64;
/**
 * A keyword or text column is held as terms when its terms average at least this many documents
 * (rarer terms, names and URLs, are cheap in FTS5), or when the shard has few documents with a
 * value (then every column is held: small stores and tests run every such plan on bitmaps).
 */
const minDocsPerTerm = 4;
const smallColumn = 4096;
/** Pairs per number bucket, and per block of a bucket's pairs. */
const bucketPairs = 4096;
const blockPairs = 512;

export const postingsTable = (d: DatasetName): string => `${d}_postings`;
export const numberBucketsTable = (d: DatasetName): string => `${d}_number_buckets`;
export const numberPairsTable = (d: DatasetName): string => `${d}_number_pairs`;
export const postingShardsTable = (d: DatasetName): string => `${d}_posting_shards`;

/** The postings tables of a dataset and their columns. */
function postingsTables(d: DatasetName): { name: string; columns: string; key: string }[] {
  return [
    { name: postingsTable(d), columns: 'shard INTEGER NOT NULL, type TEXT NOT NULL, col INTEGER NOT NULL, term TEXT NOT NULL, bits BLOB NOT NULL', key: 'shard, type, col, term' },
    { name: numberBucketsTable(d), columns: 'shard INTEGER NOT NULL, type TEXT NOT NULL, field INTEGER NOT NULL, bucket INTEGER NOT NULL, lo REAL NOT NULL, hi REAL NOT NULL, bits BLOB NOT NULL', key: 'shard, type, field, bucket' },
    {
      name: numberPairsTable(d),
      columns: 'shard INTEGER NOT NULL, type TEXT NOT NULL, field INTEGER NOT NULL, bucket INTEGER NOT NULL, block INTEGER NOT NULL, lo REAL NOT NULL, hi REAL NOT NULL, pairs BLOB NOT NULL',
      key: 'shard, type, field, bucket, block',
    },
  ];
}

/**
 * Each postings table is a rowid table with a unique index on its key, not a WITHOUT ROWID table:
 * a WITHOUT ROWID table keeps whole rows in an index b-tree, whose cells spill to overflow pages
 * past ~8 KB (with 32 KB pages), and SQLite's binary search through such a page reads every
 * spilled cell it compares whole, overflow included. At 1M people a bucket's bitmap (~8 KB) took
 * ~30 µs to find (~1 µs for a row that fits); in a rowid table the key's index holds only keys
 * and a row up to ~32 KB stays on its leaf page (an ~8 KB bucket: 3.8 µs to find and read,
 * ~40 → ~5 µs, and no mostly empty 32 KB overflow page for its last 4 KB).
 */
export const postingsKeyIndex = (table: string): string => `${table}_key`;

export function postingsSchema(d: DatasetName): string {
  return [
    ...postingsTables(d).flatMap((t) => [
      `CREATE TABLE IF NOT EXISTS ${t.name} (${t.columns});`,
      `CREATE UNIQUE INDEX IF NOT EXISTS ${postingsKeyIndex(t.name)} ON ${t.name} (${t.key});`,
    ]),
    `CREATE TABLE IF NOT EXISTS ${postingShardsTable(d)} (shard INTEGER PRIMARY KEY, version INTEGER NOT NULL, built INTEGER NOT NULL, format INTEGER NOT NULL, columns TEXT NOT NULL);`,
  ].join('\n');
}

/**
 * Makes the dataset's postings tables (postingsSchema). A table an earlier format made with other
 * columns, or without its key's index, is dropped first, and every shard marked for building
 * again: postings are derived data.
 */
export function applyPostingsSchema(db: Database, d: DatasetName): void {
  const columnsOf = (table: string): string[] => (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
  const keyIndexed = db.prepare<[string], number>("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?").pluck();
  const outdated = postingsTables(d).filter((t) => {
    const have = columnsOf(t.name);
    if (have.length === 0) return false;
    // Format 5 and before: WITHOUT ROWID tables, without the key's own index.
    return have.join(',') !== t.columns.split(', ').map((c) => c.split(' ')[0]).join(',') || keyIndexed.get(postingsKeyIndex(t.name)) === 0;
  });
  const legacy = columnsOf(`${d}_number_postings`).length > 0;
  if (outdated.length === 0 && !legacy) {
    db.exec(postingsSchema(d));
    return;
  }
  db.transaction(() => {
    for (const t of outdated) db.exec(`DROP TABLE ${t.name}`);
    if (legacy) db.exec(`DROP TABLE ${d}_number_postings`);
    db.exec(postingsSchema(d));
    db.exec(`UPDATE ${postingShardsTable(d)} SET format = 0`);
  })();
}

/**
 * What a built shard does not hold, per document type: `sparse` columns have only their exists
 * marker (their terms average fewer than minDocsPerTerm documents), `long` text columns have
 * nothing. Every other column of the layout has all its terms.
 */
export interface ShardColumns {
  readonly [type: string]: { readonly sparse: readonly number[]; readonly long: readonly number[] };
}

export const shardOf = (recordId: number): number => Math.floor(recordId / shardSize);

/** The postings columns of a shard's records in the default order and of their last_updated values. */
export const recencyOrderColumn = -3;
export const recencyValuesColumn = -4;
/** The postings column of the documents holding a term of column `col` more than once. */
export const repeatsColumn = (col: number): number => -16 - col;
/** The postings column of the record documents' length bytes in text column `col`. */
export const normsColumn = (col: number): number => -100_000 - col;
/** The postings column of the prefixes of a rare-term column's terms. */
export const prefixColumn = (col: number): number => -200_000 - col;
/** The longest prefix, in bytes of the term, a rare-term column keeps. */
export const maxPrefixBytes = 2;

/** How many bytes of a term a stored prefix token stands for (µ and hex, or plain lowercase). */
export function prefixBytes(token: string): number {
  return token.startsWith(existsToken) ? (token.length - 1) >> 1 : token.length;
}

/** SQLite's (and FTS5's) variable-length integers, one after another: their sum. */
export function varintSum(bytes: Uint8Array): number {
  let sum = 0;
  readVarints(bytes, (v) => (sum += v));
  return sum;
}

/** SQLite's (and FTS5's) variable-length integers, one after another. */
export function varints(bytes: Uint8Array): number[] {
  const out: number[] = [];
  readVarints(bytes, (v) => out.push(v));
  return out;
}

function readVarints(bytes: Uint8Array, each: (v: number) => void): void {
  for (let i = 0; i < bytes.length; ) {
    let v = 0;
    let n = 0;
    for (;;) {
      const byte = bytes[i++]!;
      if (n === 8) {
        v = v * 256 + byte;
        break;
      }
      v = v * 128 + (byte & 0x7f);
      n++;
      if ((byte & 0x80) === 0 || i >= bytes.length) break;
    }
    each(v);
  }
}

/**
 * A shard's records in the default order (last_updated descending, records without one last,
 * then id descending), as the records table had them when the shard was built: `order` is the
 * record offsets in that order (16-bit each), `values` the distinct last_updated values in it,
 * each with how many records have it ([value, count] pairs as JSON). The index writer and the
 * deferred-index path mark a shard stale on every write to one of its records, so while a shard
 * is current this is the order SQL would give.
 */
export function recencyOrder(records: readonly { offset: number; lu: string | null }[]): { order: Buffer; values: Buffer } {
  const sorted = [...records].sort((a, b) => (a.lu === b.lu ? b.offset - a.offset : a.lu === null ? 1 : b.lu === null ? -1 : a.lu < b.lu ? 1 : -1));
  const runs: [string | null, number][] = [];
  for (const r of sorted) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[0] === r.lu) last[1]++;
    else runs.push([r.lu, 1]);
  }
  return {
    order: Buffer.from(Uint16Array.from(sorted, (r) => r.offset).buffer),
    values: Buffer.from(JSON.stringify(runs)),
  };
}

/** The first and last shard holding records of the dataset (null: none). Two subqueries: min and max together in one would scan the table. */
export function shardRange(db: Database, d: DatasetName): { first: number; last: number } | null {
  const r = db.prepare<[], { lo: number | null; hi: number | null }>(`SELECT (SELECT min(id) FROM ${d}_records) AS lo, (SELECT max(id) FROM ${d}_records) AS hi`).get()!;
  return r.lo === null || r.hi === null ? null : { first: shardOf(r.lo), last: shardOf(r.hi) };
}

/** Marks the shard of a record changed (in the caller's transaction). */
export function shardMarker(db: Database, d: DatasetName): (recordId: number) => void {
  const bump = db.prepare<[number]>(`INSERT INTO ${postingShardsTable(d)} (shard, version, built, format, columns) VALUES (?, 1, -1, 0, '{}') ON CONFLICT (shard) DO UPDATE SET version = version + 1`);
  return (recordId) => void bump.run(shardOf(recordId));
}

/**
 * A column's terms and the documents of each, collected in document order. Each (term, document)
 * is appended to one flat array and grouped by term only when read (a counting sort, so each
 * term's documents stay ascending): a list per term, pushed to as documents came, cost a cache
 * miss and a growing array per posting (the build's most expensive line, measured).
 */
export class TermDocs {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  /** By term number: the last document added (-1: none yet). */
  private last = new Int32Array(256).fill(-1);
  /** (term number, document) pairs, flat. */
  private pairs = new Int32Array(1024);
  private count = 0;

  /** Distinct terms. */
  get size(): number {
    return this.names.length;
  }

  /** Adds a term of a document (documents come in ascending order); false when the document already had it. */
  add(token: string, local: number): boolean {
    let id = this.ids.get(token);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(token, id);
      this.names.push(token);
      if (id === this.last.length) {
        const grown = new Int32Array(id * 2).fill(-1);
        grown.set(this.last);
        this.last = grown;
      }
    }
    if (this.last[id] === local) return false;
    this.last[id] = local;
    if (this.count * 2 === this.pairs.length) {
      const grown = new Int32Array(this.pairs.length * 2);
      grown.set(this.pairs);
      this.pairs = grown;
    }
    this.pairs[this.count * 2] = id;
    this.pairs[this.count * 2 + 1] = local;
    this.count++;
    return true;
  }

  /** Each term with its documents, ascending (views into one array, valid until the next add). */
  entries(): [string, Uint32Array][] {
    const terms = this.names.length;
    const start = new Uint32Array(terms + 1);
    for (let i = 0; i < this.count; i++) start[this.pairs[i * 2]! + 1]!++;
    for (let t = 0; t < terms; t++) start[t + 1]! += start[t]!;
    const at = start.slice(0, terms);
    const docs = new Uint32Array(this.count);
    for (let i = 0; i < this.count; i++) docs[at[this.pairs[i * 2]!]!++] = this.pairs[i * 2 + 1]!;
    return this.names.map((name, t) => [name, docs.subarray(start[t]!, start[t + 1]!)]);
  }

  clear(): void {
    this.ids.clear();
    this.names.length = 0;
    this.last.fill(-1);
    this.count = 0;
  }
}

/** One token column of one document type in a shard. */
interface ColumnPostings {
  /** Documents with a value, their tokens (for the long-text rule) and postings (a token once a document). */
  docs: number;
  tokens: number;
  postings: number;
  /** Each term's local documents. */
  readonly terms: TermDocs;
  /** Record documents only: token → [local, times] of those holding it more than once. */
  readonly repeats: Map<string, number[]>;
  /** Rare-term columns: the longest kept prefix of their terms (longestPrefix) → local documents. */
  readonly prefixes: Map<number, number[]>;
}

const markCode = existsToken.charCodeAt(0);

/** A hexadecimal digit's value (lowercase, as tokens are encoded). */
const nibble = (code: number): number => (code <= 57 ? code - 48 : code - 87);

/**
 * The longest kept prefix of a stored term (the whole term when shorter) as a small integer:
 * what a rare-term column collects per term occurrence, without making a string. Its bytes,
 * left-aligned in 8 × maxPrefixBytes bits (at most 24), their number and whether the term is
 * hex-encoded; its shorter prefixes are made when the shard is written (prefixPostings).
 */
function longestPrefix(text: string, start: number, end: number): number {
  let packed = 0;
  let bytes = 0;
  let hex = 0;
  if (text.charCodeAt(start) === markCode) {
    hex = 1;
    for (let i = start + 1; i + 1 < end && bytes < maxPrefixBytes; i += 2, bytes++) packed = (packed << 8) | (nibble(text.charCodeAt(i)) << 4) | nibble(text.charCodeAt(i + 1));
  } else {
    for (let i = start; i < end && bytes < maxPrefixBytes; i++, bytes++) packed = (packed << 8) | text.charCodeAt(i);
  }
  return ((hex << 2) | bytes) * 0x1000000 + packed * (1 << (8 * (maxPrefixBytes - bytes)));
}

/** The stored token of the first `bytes` bytes of a prefix longestPrefix packed. */
function prefixToken(key: number, bytes: number): string {
  const head = Math.floor(key / 0x1000000);
  const packed = key % 0x1000000;
  let out = head >> 2 === 1 ? existsToken : '';
  for (let i = 0; i < bytes; i++) {
    const byte = (packed >> (8 * (maxPrefixBytes - 1 - i))) & 0xff;
    out += head >> 2 === 1 ? byte.toString(16).padStart(2, '0') : String.fromCharCode(byte);
  }
  return out;
}

/** Adds the documents of a term, or of a column's text (tokens separated by spaces), to their longest kept prefixes. */
function addPrefixes(into: Map<number, number[]>, text: string, locals: ArrayLike<number>): void {
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf(' ', start);
    if (end < 0) end = text.length;
    if (end - start > 1 || text.charCodeAt(start) !== markCode) {
      const p = longestPrefix(text, start, end);
      const list = into.get(p);
      if (list === undefined) into.set(p, Array.from(locals));
      else if (locals.length === 1) {
        if (list[list.length - 1] !== locals[0]) list.push(locals[0]!);
      } else for (let i = 0; i < locals.length; i++) list.push(locals[i]!);
    }
    start = end + 1;
  }
}

/** Every prefix of 1 to maxPrefixBytes bytes of a column's terms, from their longest kept prefixes. */
function prefixPostings(longest: ReadonlyMap<number, number[]>): Map<string, Bitmap> {
  const out = new Map<string, Bitmap>();
  for (const [key, locals] of longest) {
    const b = new RoaringBitmap32(locals);
    const own = Math.floor(key / 0x1000000) & 3;
    for (let bytes = own; bytes >= 1; bytes--) {
      const p = prefixToken(key, bytes);
      const have = out.get(p);
      if (have !== undefined) have.orInPlace(b);
      else out.set(p, bytes === own ? b : b.clone());
    }
  }
  return out;
}

interface TypePostings {
  /** Every document of the type. */
  readonly all: number[];
  /** Nested types: each entry's record offset, by entry number. */
  readonly recordOf: number[];
  /** By column index. */
  readonly columns: (ColumnPostings | undefined)[];
  /** By number field id: [value, local] pairs, flat. */
  readonly numbers: Map<number, number[]>;
  /** Text columns found too long to hold (by column index). */
  readonly long: boolean[];
  /** Columns found to have mostly rare terms: only their exists marker is collected. */
  readonly sparse: boolean[];
  /** Record documents, text columns: each record offset's length byte (bm25.ts, intToByte4). */
  readonly norms: (Uint8Array | undefined)[];
}

function collect(into: Map<string, TypePostings>, layout: IndexLayout, base: number, id: number, record: Record<string, unknown>, keep: ColumnFilter): void {
  const offset = id - base;
  for (const doc of indexDocuments(layout, record, undefined, { keep, gap: 0 })) {
    const t = into.get(doc.type)!;
    let local = offset;
    if (doc.type !== '') {
      local = t.recordOf.length;
      t.recordOf.push(offset);
    }
    t.all.push(local);
    for (let col = 0; col < doc.columns.length; col++) {
      const text = doc.columns[col]!;
      if (text === '') continue;
      const c = (t.columns[col] ??= { docs: 0, tokens: 0, postings: 0, terms: new TermDocs(), repeats: new Map(), prefixes: new Map() });
      c.docs++;
      if (t.sparse[col] === true) {
        c.terms.add(existsToken, local);
        addPrefixes(c.prefixes, text, [local]);
        continue;
      }
      let length = 0;
      for (const token of text.split(' ')) {
        if (token !== existsToken) length++;
        c.tokens++;
        if (!c.terms.add(token, local)) {
          if (doc.type === '') {
            const again = c.repeats.get(token);
            if (again === undefined) c.repeats.set(token, [local, 2]);
            else if (again[again.length - 2] === local) again[again.length - 1]!++;
            else again.push(local, 2);
          }
          continue;
        }
        c.postings++;
      }
      if (doc.type === '' && layout.byPath.get('')!.tokenFields[col]!.def.type === 'text') (t.norms[col] ??= new Uint8Array(shardSize))[local] = intToByte4(length);
    }
    for (const [field, value] of doc.numbers) {
      const list = t.numbers.get(field);
      if (list === undefined) t.numbers.set(field, [value, local]);
      else list.push(value, local);
    }
  }
}

function serialize(values: readonly number[] | Uint32Array): Buffer {
  return serializeBitmap(new RoaringBitmap32(values));
}

function serializeBitmap(b: Bitmap): Buffer {
  b.runOptimize();
  const bytes = b.serialize(bitmapFormat);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The shards whose documents changed since their postings were built, or that have none. */
export function staleShards(db: Database, d: DatasetName): number[] {
  const range = shardRange(db, d);
  if (range === null) return [];
  const state = db.prepare<[number], { version: number; built: number; format: number }>(`SELECT version, built, format FROM ${postingShardsTable(d)} WHERE shard = ?`);
  const stale: number[] = [];
  for (let s = range.first; s <= range.last; s++) {
    const row = state.get(s);
    if (!row || row.built !== row.version || row.format !== postingsFormat) stale.push(s);
  }
  return stale;
}

/**
 * Builds the postings of every stale shard: on this thread when there is one, else on worker
 * threads (one per core, at most `threads`), each with its own connection. Each shard is read in
 * one read transaction and written in a short write transaction that only lands if no write
 * touched the shard meanwhile (it stays stale then, for the next refresh).
 */
export async function refreshPostings(db: Database, d: DatasetName, layout: IndexLayout, onShard?: (done: number, of: number) => void, threads = availableParallelism()): Promise<PostingsReport> {
  const started = performance.now();
  const stale = staleShards(db, d);
  let records = 0;
  let done = 0;
  if (stale.length <= 1 || threads <= 1) {
    for (const shard of stale) {
      records += buildShard(db, d, layout, shard);
      onShard?.(++done, stale.length);
    }
  } else {
    const queue = [...stale];
    const run = async (): Promise<void> => {
      const worker = new Worker(new URL('./postings-worker.js', import.meta.url), { workerData: { file: db.name, dataset: d } });
      try {
        for (let shard = queue.shift(); shard !== undefined; shard = queue.shift()) {
          const built = await new Promise<number>((resolve, reject) => {
            worker.once('message', (reply: { records?: number; error?: string }) => (reply.error !== undefined ? reject(new Error(reply.error)) : resolve(reply.records!)));
            worker.once('error', reject);
            worker.postMessage(shard);
          });
          worker.removeAllListeners('error');
          records += built;
          onShard?.(++done, stale.length);
        }
      } finally {
        await worker.terminate();
      }
    };
    await Promise.all(Array.from({ length: Math.min(threads, stale.length) }, run));
  }
  return { shards: stale.length, records, seconds: (performance.now() - started) / 1000 };
}

/** Builds one shard's postings; returns the records read. */
export function buildShard(db: Database, d: DatasetName, layout: IndexLayout, shard: number): number {
  const base = shard * shardSize;
  const versionOf = db.prepare<[number], { version: number }>(`SELECT version FROM ${postingShardsTable(d)} WHERE shard = ?`);
  const read = db.prepare<[number, number], { id: number; lu: string | null; rec: StoredValue | null }>(
    `SELECT r.id AS id, r.last_updated AS lu, CASE WHEN q.id IS NULL THEN r.record ELSE q.old_record END AS rec FROM ${d}_records r LEFT JOIN ${d}_index_queue q ON q.id = r.id WHERE r.id BETWEEN ? AND ?`,
  );
  const dictionaries = dictionariesOf(db);
  const recency: { offset: number; lu: string | null }[] = [];
  const into = new Map<string, TypePostings>(layout.docTypes.map((t) => [t.path, { all: [], recordOf: [], columns: [], numbers: new Map(), long: [], sparse: [], norms: [] }]));
  let version = 0;
  let records = 0;
  // Text columns too long to hold as terms: measured on the shard's first records (until then
  // every column is derived), and again on all of them at the end.
  const markLong = (): void => {
    for (const t of layout.docTypes) {
      const held = into.get(t.path)!;
      for (const f of t.tokenFields) {
        const c = held.columns[f.column];
        if (f.def.type === 'text' && c !== undefined && c.tokens / Math.max(1, records) > maxTextTokensPerRecord) held.long[f.column] = true;
      }
    }
  };
  // Columns of mostly rare terms (names, URLs) keep only their exists marker, decided once they
  // have enough documents: collecting their terms was most of the build's work.
  const markSparse = (): void => {
    for (const held of into.values()) {
      held.columns.forEach((c, col) => {
        if (c === undefined || held.sparse[col] || held.long[col]) return;
        const terms = c.terms.size - 1; // less the exists marker
        // Postings per term, less the exists marker's.
        if (terms > 0 && c.docs >= smallColumn && (c.postings - c.docs) / terms < minDocsPerTerm) {
          held.sparse[col] = true;
          let exists: Uint32Array = new Uint32Array(0);
          for (const [token, locals] of c.terms.entries()) {
            if (token === existsToken) exists = locals.slice();
            else addPrefixes(c.prefixes, token, locals);
          }
          c.terms.clear();
          c.repeats.clear();
          for (const local of exists) c.terms.add(existsToken, local);
        }
      });
    }
  };
  const keep: ColumnFilter = (type, col) => into.get(type)!.long[col] !== true;
  const inRead = !db.inTransaction;
  if (inRead) db.exec('BEGIN');
  try {
    version = versionOf.get(shard)?.version ?? 0;
    for (const row of read.iterate(base, base + shardSize - 1)) {
      if (row.rec === null) continue;
      recency.push({ offset: row.id - base, lu: row.lu });
      collect(into, layout, base, row.id, dictionaries.parse(row.rec), keep);
      if (++records === 256) markLong();
      if (records % 4096 === 0) markSparse();
    }
  } finally {
    if (inRead) db.exec('COMMIT');
  }
  markLong();
  markSparse();

  // Which columns keep every term, which only their exists marker (sparse), which nothing (long).
  const columns: Record<string, { sparse: number[]; long: number[] }> = {};
  for (const t of layout.docTypes) {
    const held = into.get(t.path)!;
    const entry = { sparse: [] as number[], long: [] as number[] };
    for (const f of t.tokenFields) {
      if (held.long[f.column]) entry.long.push(f.column);
      else if (held.sparse[f.column]) entry.sparse.push(f.column);
    }
    if (held.all.length > 0 || entry.long.length > 0 || entry.sparse.length > 0) columns[t.path] = entry;
  }

  const write = db.transaction((): boolean => {
    if ((versionOf.get(shard)?.version ?? 0) !== version) return false;
    db.prepare(`DELETE FROM ${postingsTable(d)} WHERE shard = ?`).run(shard);
    db.prepare(`DELETE FROM ${numberBucketsTable(d)} WHERE shard = ?`).run(shard);
    db.prepare(`DELETE FROM ${numberPairsTable(d)} WHERE shard = ?`).run(shard);
    const put = db.prepare<[number, string, number, string, Buffer]>(`INSERT INTO ${postingsTable(d)} (shard, type, col, term, bits) VALUES (?, ?, ?, ?, ?)`);
    for (const [type, held] of into) {
      if (held.all.length > 0) put.run(shard, type, -1, '', serialize(held.all));
      if (held.recordOf.length > 0) put.run(shard, type, -2, '', Buffer.from(Uint16Array.from(held.recordOf).buffer));
      if (type === '' && recency.length > 0) {
        const { order, values } = recencyOrder(recency);
        put.run(shard, type, recencyOrderColumn, '', order);
        put.run(shard, type, recencyValuesColumn, '', values);
      }
      held.columns.forEach((c, col) => {
        if (c === undefined || held.long[col]) return;
        const onlyExists = held.sparse[col] === true;
        for (const [token, locals] of c.terms.entries()) if (!onlyExists || token === existsToken) put.run(shard, type, col, token, serialize(locals));
        if (onlyExists) for (const [p, b] of prefixPostings(c.prefixes)) put.run(shard, type, prefixColumn(col), p, serializeBitmap(b));
        if (!onlyExists) for (const [token, again] of c.repeats) put.run(shard, type, repeatsColumn(col), token, Buffer.from(Uint32Array.from(again).buffer));
        const norms = held.norms[col];
        if (!onlyExists && norms !== undefined) put.run(shard, type, normsColumn(col), '', Buffer.from(norms.buffer, norms.byteOffset, norms.byteLength));
      });
      writeNumbers(db, d, shard, type, held.numbers);
    }
    db.prepare(`INSERT INTO ${postingShardsTable(d)} (shard, version, built, format, columns) VALUES (?, ?, ?, ?, ?) ON CONFLICT (shard) DO UPDATE SET built = excluded.built, format = excluded.format, columns = excluded.columns`)
      .run(shard, version, version, postingsFormat, JSON.stringify(columns));
    return true;
  });
  write.immediate();
  return records;
}

function writeNumbers(db: Database, d: DatasetName, shard: number, type: string, numbers: Map<number, number[]>): void {
  const put: Statement<[number, string, number, number, number, number, Buffer]> = db.prepare(
    `INSERT INTO ${numberBucketsTable(d)} (shard, type, field, bucket, lo, hi, bits) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const putPairs: Statement<[number, string, number, number, number, number, number, Buffer]> = db.prepare(
    `INSERT INTO ${numberPairsTable(d)} (shard, type, field, bucket, block, lo, hi, pairs) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const [field, flat] of numbers) {
    const n = flat.length / 2;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => flat[2 * a]! - flat[2 * b]! || flat[2 * a + 1]! - flat[2 * b + 1]!);
    const every = new Uint32Array(n);
    for (let i = 0; i < n; i++) every[i] = flat[2 * order[i]! + 1]!;
    put.run(shard, type, Number(field), -1, flat.length > 0 ? flat[2 * order[0]!]! : 0, flat.length > 0 ? flat[2 * order[n - 1]!]! : 0, serialize(every));
    let bucket = 0;
    for (let from = 0; from < n; ) {
      // A bucket never splits equal values, so a value's documents are in one bucket.
      let to = Math.min(n, from + bucketPairs);
      while (to < n && flat[2 * order[to]!] === flat[2 * order[to - 1]!]) to++;
      const lo = flat[2 * order[from]!]!;
      const hi = flat[2 * order[to - 1]!]!;
      const docs = every.subarray(from, to);
      if (lo !== hi) {
        for (let at = from, block = 0; at < to; at += blockPairs, block++) {
          const end = Math.min(to, at + blockPairs);
          const values = new Float64Array(end - at);
          for (let i = at; i < end; i++) values[i - at] = flat[2 * order[i]!]!;
          const blob = Buffer.concat([Buffer.from(values.buffer), Buffer.from(every.slice(at, end).buffer)]);
          putPairs.run(shard, type, Number(field), bucket, block, values[0]!, values[values.length - 1]!, blob);
        }
      }
      put.run(shard, type, Number(field), bucket++, lo, hi, serialize(docs));
      from = to;
    }
  }
}
