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
//                        (Elasticsearch's index_prefixes), so `prefix: Jo` stays a bitmap read;
//                        col -300000 - c, for a short text column held as terms, the documents
//                        of each two adjacent tokens of a value (term "a b", Elasticsearch's
//                        index_phrases), so a phrase of two words is a bitmap read.
//   {d}_number_buckets:  (shard, type, field, bucket) → the documents with a value of a number
//                        field in [lo, hi]: buckets of about equal size in value order, so a
//                        range reads whole buckets and filters only the two at its edges.
//                        Bucket -1 is every document with a value (exists).
//   {d}_number_pairs:    (shard, type, field, bucket, block) → a bucket's (value, document)
//                        pairs sorted by value, for buckets with lo < hi, in blocks of 1,024
//                        pairs with their own [lo, hi] (encoded as pair-blocks.ts says): what a
//                        range filters at its edges reads only the blocks around its bound. Kept apart from the bitmaps, which a
//                        range reads whole: in one row, a bitmap sat behind its 48 KB of pairs
//                        and each read walked their overflow pages (1M people: 245 bucket
//                        reads 20 → 4 ms); a whole bucket's pairs cost ~110 µs to read, a
//                        block of 6 KB fits in its b-tree page.
//   {d}_posting_shards:  per shard, a version the index writer increments with every change to
//                        the shard's documents, the version the postings were built from, and
//                        which columns they hold. A shard is current when both versions agree;
//                        a search that meets a stale or unbuilt shard runs in SQL.
//
// Postings are written a whole shard at a time, never in the import's own transaction (the
// writer only bumps the shard's version): from what an import's parse workers collected of the
// shards it fills alone (writeCollectedShard), else built from the version of each record the
// index holds (the records, or the deferred-index queue's older version) after an import or by
// `rollcall index` (buildShard).
import type { Database, Statement } from 'better-sqlite3';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import roaring from 'roaring';
import { encodePairBlock } from '../postings/pair-blocks.js';
import type { DatasetName } from '../../datasets/datasets.js';
import { existsToken, indexDocuments } from '../../search/index-documents.js';
import type { IndexLayout } from '../../search/index-layout.js';
import type { StoredValue } from '../stored-record.js';
import { dictionariesOf } from './record-dictionaries.js';
import type { PostingsReport } from '../store.js';
import { prefixKeyBytes, prefixToken, shardOf, shardSize, ShardCollector, type CollectedShard } from '../postings/shard-collector.js';

export { maxPrefixBytes, shardBits, shardOf, shardSize, TermDocs } from '../postings/shard-collector.js';

const { RoaringBitmap32 } = roaring;
export type Bitmap = InstanceType<typeof RoaringBitmap32>;
export { RoaringBitmap32 };

/** The postings' encoding: a shard built in another is stale (built again by the next refresh). */
export const postingsFormat = 10;
/** Bitmaps are stored in the portable roaring format (readable by any roaring implementation). */
export const bitmapFormat = 'portable' as const;

/** Pairs per number bucket, and per block of a bucket's pairs. */
const bucketPairs = 4096;
const blockPairs = 1024;

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
 * nothing. Every other column of the layout has all its terms; of those, the text columns with a
 * value in the shard are listed in `pairs` when their two-word phrases are kept (values of at most
 * 12 tokens on average), else in `unpaired`.
 */
export interface ShardColumns {
  readonly [type: string]: { readonly sparse: readonly number[]; readonly long: readonly number[]; readonly pairs: readonly number[]; readonly unpaired: readonly number[] };
}


/** The postings columns of a shard's records in the default order and of their last_updated values. */
export const recencyOrderColumn = -3;
export const recencyValuesColumn = -4;
/** The postings column of the documents holding a term of column `col` more than once. */
export const repeatsColumn = (col: number): number => -16 - col;
/** The postings column of the record documents' length bytes in text column `col`. */
export const normsColumn = (col: number): number => -100_000 - col;
/** The postings column of the prefixes of a rare-term column's terms. */
export const prefixColumn = (col: number): number => -200_000 - col;
/** The postings column of a short text column's two-word phrases (term: the two stored tokens, a space between). */
export const pairsColumn = (col: number): number => -300_000 - col;
/**
 * A text column's distinct words in the shard (stored tokens in term order, joined by newlines),
 * rare-term columns too: what a wildcard, regexp or fuzzy term on the column expands on. Every
 * text column a shard holds has the row, empty when no document has a value; a shard built
 * before these rows has none (its expansions read FTS5's vocabulary).
 */
export const wordsColumn = (col: number): number => -400_000 - col;

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

function serialize(values: readonly number[] | Uint32Array): Buffer {
  return serializeBitmap(new RoaringBitmap32(values));
}

function serializeBitmap(b: Bitmap): Buffer {
  b.runOptimize();
  const bytes = b.serialize(bitmapFormat);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The shards an import may find records in: every shard from the dataset's first record to its last. */
export function shardsInUse(db: Database, d: DatasetName): number[] {
  const range = shardRange(db, d);
  return range === null ? [] : Array.from({ length: range.last - range.first + 1 }, (_, i) => range.first + i);
}

/**
 * The shards whose documents changed since their postings were built, or that have none, or
 * that were built before their text columns' word lists (wordsColumn): those are still current
 * for searches, and get their lists when built again.
 */
export function staleShards(db: Database, d: DatasetName, layout: IndexLayout): number[] {
  const range = shardRange(db, d);
  if (range === null) return [];
  const state = db.prepare<[number], { version: number; built: number; format: number }>(`SELECT version, built, format FROM ${postingShardsTable(d)} WHERE shard = ?`);
  // A shard holding records has the record type's word lists (a row a text column, even empty).
  const listed = layout.byPath.get('')!.tokenFields.some((f) => f.def.type === 'text');
  const words = db.prepare<[number, number], number>(`SELECT count(*) FROM (SELECT 1 FROM ${postingsTable(d)} WHERE shard = ? AND type = '' AND col <= ? LIMIT 1)`).pluck();
  const stale: number[] = [];
  for (let s = range.first; s <= range.last; s++) {
    const row = state.get(s);
    if (!row || row.built !== row.version || row.format !== postingsFormat || (listed && words.get(s, wordsColumn(0)) === 0)) stale.push(s);
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
  const stale = staleShards(db, d, layout);
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
  const read = db.prepare<[number, number], { id: number; lu: string | null; rec: StoredValue | null }>(
    `SELECT r.id AS id, r.last_updated AS lu, CASE WHEN q.id IS NULL THEN r.record ELSE q.old_record END AS rec FROM ${d}_records r LEFT JOIN ${d}_index_queue q ON q.id = r.id WHERE r.id BETWEEN ? AND ?`,
  );
  const dictionaries = dictionariesOf(db);
  const recency: { offset: number; lu: string | null }[] = [];
  const collector = new ShardCollector(layout, shard);
  let version = 0;
  const inRead = !db.inTransaction;
  if (inRead) db.exec('BEGIN');
  try {
    version = shardVersion(db, d, shard);
    for (const row of read.iterate(base, base + shardSize - 1)) {
      if (row.rec === null) continue;
      recency.push({ offset: row.id - base, lu: row.lu });
      // With the filler token between array values, as an import derives them: the collector
      // skips it, and no two-word phrase spans two values.
      collector.add(row.id, indexDocuments(layout, dictionaries.parse(row.rec), undefined, { keep: collector.keep }));
    }
  } finally {
    if (inRead) db.exec('COMMIT');
  }
  collector.finish();
  writeShard(db, d, collector, (now) => (now === version ? recency : null));
  return collector.records;
}

function shardVersion(db: Database, d: DatasetName, shard: number): number {
  return db.prepare<[number], { version: number }>(`SELECT version FROM ${postingShardsTable(d)} WHERE shard = ?`).get(shard)?.version ?? 0;
}

/**
 * Writes a shard's postings from what an import's parse workers collected (ShardCollector parts)
 * when they hold exactly the shard's records as stored: the import wrote each of the records it
 * collected once (the shard's version counts writes) and the shard holds no others. Otherwise
 * (a shard that had records before, a record imported twice, one not written) nothing is written
 * and the shard stays for the build from its records. Returns whether it was written.
 */
export function writeCollectedShard(db: Database, d: DatasetName, layout: IndexLayout, shard: number, parts: readonly CollectedShard[]): boolean {
  if (parts.length === 0) return false;
  const collected = parts.reduce((n, p) => n + p.records, 0);
  const base = shard * shardSize;
  const records = db.prepare<[number, number], { id: number; lu: string | null }>(`SELECT id, last_updated AS lu FROM ${d}_records WHERE id BETWEEN ? AND ?`);
  const queued = db.prepare<[number, number], number>(`SELECT count(*) FROM ${d}_index_queue WHERE id BETWEEN ? AND ?`).pluck();
  const holds = (version: number): boolean => version === collected && queued.get(base, base + shardSize - 1) === 0;
  // Checked before the merge too, so a shard the import only partly holds costs no merge.
  if (!holds(shardVersion(db, d, shard))) return false;
  const collector = ShardCollector.merge(layout, shard, parts.map((p) => ShardCollector.fromData(layout, p)));
  return writeShard(db, d, collector, (version) => {
    if (!holds(version)) return null;
    const recency = records.all(base, base + shardSize - 1).map((r) => ({ offset: r.id - base, lu: r.lu }));
    return recency.length === collected ? recency : null;
  });
}

/**
 * Writes a collected shard's postings in one transaction, replacing what it had, when `current`
 * accepts the shard's version as of now (no write touched the shard since it was collected): it
 * gives the shard's records in id order with their last_updated (the default order), else null.
 */
function writeShard(db: Database, d: DatasetName, collector: ShardCollector, current: (version: number) => readonly { offset: number; lu: string | null }[] | null): boolean {
  const write = db.transaction((): boolean => {
    const version = shardVersion(db, d, collector.shard);
    const recency = current(version);
    if (recency === null) return false;
    replaceShard(db, d, collector, version, recency);
    return true;
  });
  return write.immediate();
}

/**
 * Replaces a shard's postings with a collected shard's, built from `version` of its records
 * (`recency`: its records in id order with their last_updated), in the caller's transaction.
 */
export function replaceShard(db: Database, d: DatasetName, collector: ShardCollector, version: number, recency: readonly { offset: number; lu: string | null }[]): void {
  const shard = collector.shard;
  db.prepare(`DELETE FROM ${postingsTable(d)} WHERE shard = ?`).run(shard);
  db.prepare(`DELETE FROM ${numberBucketsTable(d)} WHERE shard = ?`).run(shard);
  db.prepare(`DELETE FROM ${numberPairsTable(d)} WHERE shard = ?`).run(shard);
  const put = db.prepare<[number, string, number, string, Buffer]>(`INSERT INTO ${postingsTable(d)} (shard, type, col, term, bits) VALUES (?, ?, ?, ?, ?)`);
  for (const [type, held] of collector.types) {
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
      if (!onlyExists && held.paired[col] === true) for (const [pair, locals] of c.pairs.entries(c.terms)) put.run(shard, type, pairsColumn(col), pair, serialize(locals));
      const norms = held.norms[col];
      if (!onlyExists && norms !== undefined) put.run(shard, type, normsColumn(col), '', Buffer.from(norms.buffer, norms.byteOffset, norms.byteLength));
    });
    writeNumbers(db, d, shard, type, held.numbers);
    for (const f of collector.layoutOf(type).tokenFields) {
      const words = collector.words(type, f.column);
      if (words !== null) put.run(shard, type, wordsColumn(f.column), '', Buffer.from(words.join('\n')));
    }
  }
  db.prepare(`INSERT INTO ${postingShardsTable(d)} (shard, version, built, format, columns) VALUES (?, ?, ?, ?, ?) ON CONFLICT (shard) DO UPDATE SET version = excluded.version, built = excluded.built, format = excluded.format, columns = excluded.columns`)
    .run(shard, version, version, postingsFormat, JSON.stringify(collector.held()));
}

/** Every prefix of 1 to maxPrefixBytes bytes of a column's terms, from their longest kept prefixes. */
function prefixPostings(longest: ReadonlyMap<number, number[]>): Map<string, Bitmap> {
  const out = new Map<string, Bitmap>();
  for (const [key, locals] of longest) {
    const b = new RoaringBitmap32(locals);
    const own = prefixKeyBytes(key);
    for (let bytes = own; bytes >= 1; bytes--) {
      const p = prefixToken(key, bytes);
      const have = out.get(p);
      if (have !== undefined) have.orInPlace(b);
      else out.set(p, bytes === own ? b : b.clone());
    }
  }
  return out;
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
          putPairs.run(shard, type, Number(field), bucket, block, values[0]!, values[values.length - 1]!, encodePairBlock(values, every.subarray(at, end)));
        }
      }
      put.run(shard, type, Number(field), bucket++, lo, hi, serialize(docs));
      from = to;
    }
  }
}
