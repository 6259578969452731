// Runs a query plan on the bitmap postings (postings.ts) when every shard's postings are current
// and the plan's leaves are held there (or are selective full-text leaves of the record type,
// or `nested` queries on entries the postings do not hold, read from SQL into bitmaps): the hit
// set is one bitmap per shard and its total their cardinalities. A plan with a leaf that can be
// neither runs in SQL, as do searches that meet a stale shard.
import type { Database, Statement } from 'better-sqlite3';
import type { DatasetName } from '../../datasets/datasets.js';
import type { NumberBounds, Plan, TextExpr } from '../../query/plan/plan.js';
import { existsToken } from '../../search/index-documents.js';
import { prefixEnd } from '../../search/index-terms.js';
import type { SearchPage, SortValues } from '../store.js';
import { PairBlockReader } from '../postings/pair-blocks.js';
import { bitmapOfBitset } from '../postings/bitset-bitmap.js';
import { bitmapFormat, pairsColumn, wordsColumn, postingsFormat, numberBucketsTable, numberPairsTable, postingShardsTable, postingsTable, recencyOrderColumn, recencyValuesColumn, repeatsColumn, normsColumn, prefixColumn, prefixBytes, maxPrefixBytes, RoaringBitmap32, shardOf, shardRange, shardSize, type Bitmap, type ShardColumns } from './postings.js';

/**
 * Most ids a full-text leaf the bitmap postings do not hold (a phrase, a rare-term column) is
 * read from SQL into bitmaps, to be combined with leaves they do hold; past it the whole search
 * runs in SQL (reading ids costs ~1 µs each, what the postings save on a broad leaf).
 */
export const maxIdsFromSql = 20_000;

/** Documents of one type: shard → local document numbers. */
type Sets = Map<number, Bitmap>;

/** A shard's records in the default order (postings.ts, recencyOrder), read for searching. */
export interface Recency {
  /** Position → record offset. */
  readonly order: Uint16Array;
  /** Record offset → position. */
  readonly rank: Uint16Array;
  /** Distinct last_updated values in order, and the first position of each (one more: the end). */
  readonly values: readonly (string | null)[];
  readonly starts: Int32Array;
}

/** Most words of one text column a search thread keeps merged (~10 MB as strings). */
const maxCachedWords = 200_000;

/** Shards whose default order is kept in memory (~520 KB each): 16M records. */
const maxRecencyShards = 256;

/** Default order of last_updated values: descending, null last (negative: `a` comes first). */
function newestFirst(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a > b ? -1 : 1;
}

/** Shards of one search whose hits are marked in flat arrays (64 KB each); the others test their bitmaps. */
const maxMarkedShards = 64;

/** A shard's hits in the default order from a position: those of its records that pass `test`. */
function* walk(r: Recency, base: number, from: number, test: (offset: number) => boolean): Generator<SortValues> {
  for (let p = from; p < r.order.length; p++) {
    const offset = r.order[p]!;
    if (test(offset)) yield { id: base + offset, lastUpdated: BitmapPostings.valueAt(r, p) };
  }
}

/** Whether `a` comes before `b` in the default order. */
export const byNewest = (a: SortValues, b: SortValues): boolean => {
  const c = newestFirst(a.lastUpdated ?? null, b.lastUpdated ?? null);
  return c < 0 || (c === 0 && a.id > b.id);
};

/** The first `size` values of sources each already in order, in that order (a heap of their next values). */
function mergeSorted<T>(sources: readonly Iterator<T>[], before: (a: T, b: T) => boolean, size: number): T[] {
  const heads: T[] = [];
  const heap: number[] = [];
  sources.forEach((source, i) => {
    const first = source.next();
    if (!first.done) {
      heads[i] = first.value;
      heap.push(i);
    }
  });
  const down = (from: number): void => {
    for (let i = from; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < heap.length && before(heads[heap[l]!]!, heads[heap[best]!]!)) best = l;
      if (r < heap.length && before(heads[heap[r]!]!, heads[heap[best]!]!)) best = r;
      if (best === i) return;
      [heap[i], heap[best]] = [heap[best]!, heap[i]!];
      i = best;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  const out: T[] = [];
  while (out.length < size && heap.length > 0) {
    const top = heap[0]!;
    out.push(heads[top]!);
    const next = sources[top]!.next();
    if (next.done) {
      heap[0] = heap[heap.length - 1]!;
      heap.pop();
    } else {
      heads[top] = next.value;
    }
    down(0);
  }
  return out;
}

interface Bucket {
  readonly bucket: number;
  readonly lo: number;
  readonly hi: number;
}

/** The postings' view of a search: its shards, and the columns some shard does not hold. */
export interface PostingsState {
  readonly shards: readonly number[];
  /** The version each shard's postings were built from (keys of cached shard data). */
  readonly built: ReadonlyMap<number, number>;
  /** `${type}\t${col}` of columns whose terms are not held in some shard. */
  readonly noTerms: ReadonlySet<string>;
  /** `${type}\t${col}` of columns not held at all in some shard (long text). */
  readonly noExists: ReadonlySet<string>;
  /** `${type}\t${col}` → the shards where the column keeps its terms' prefixes instead of its terms (rare terms). */
  readonly prefixed: ReadonlyMap<string, ReadonlySet<number>>;
  /** `${type}\t${col}` of text columns whose two-word phrases some shard keeps. */
  readonly pairs: ReadonlySet<string>;
  /** `${type}\t${col}` of text columns holding their terms without their two-word phrases in some shard (their values too long there). */
  readonly noPairs: ReadonlySet<string>;
}

export class BitmapPostings {
  private readonly states: Statement<[number, number], { shard: number; version: number; built: number; format: number; columns: string }>;
  private readonly term: Statement<[number, string, number, string], Buffer>;
  private readonly prefix: Statement<[number, string, number, string, string], Buffer>;
  private readonly prefixOpen: Statement<[number, string, number, string], Buffer>;
  private readonly buckets: Statement<[number, string, number], Bucket>;
  private readonly bucketBits: Statement<[number, string, number, number], Buffer>;
  private readonly blockBounds: Statement<[number, string, number, number], { block: number; lo: number; hi: number }>;
  private readonly blockPairs: Statement<[number, string, number, number, number], Buffer>;
  private readonly blockCache = new Map<string, readonly { block: number; lo: number; hi: number }[]>();
  private readonly bucketCache = new Map<string, readonly Bucket[]>();
  /** The last state, by the (shard, built, format) of every shard it was made from. */
  private lastState: { key: string; state: PostingsState } | null = null;
  private readonly offsetCache = new Map<string, Uint16Array>();
  private readonly normsCache = new Map<string, Uint8Array | null>();
  private readonly recencyCache = new Map<string, Recency>();
  /** Scratch of a nested query's entries, and of their records (a bit a record offset). */
  private entryScratch = new Uint32Array(1 << 16);
  private readonly recordBits = new Int32Array(shardSize / 32);
  /** Reads blocks of number pairs (edge). */
  private readonly pairReader = new PairBlockReader();
  /** Scratch membership of shards' hits, one array a shard, all zero between uses. */
  private readonly marks: Uint8Array[] = [];

  constructor(private readonly db: Database, private readonly d: DatasetName) {
    this.states = db.prepare(`SELECT shard, version, built, format, columns FROM ${postingShardsTable(d)} WHERE shard BETWEEN ? AND ?`);
    this.term = db.prepare<[number, string, number, string], Buffer>(`SELECT bits FROM ${postingsTable(d)} WHERE shard = ? AND type = ? AND col = ? AND term = ?`).pluck();
    this.prefix = db.prepare<[number, string, number, string, string], Buffer>(`SELECT bits FROM ${postingsTable(d)} WHERE shard = ? AND type = ? AND col = ? AND term >= ? AND term < ?`).pluck();
    this.prefixOpen = db.prepare<[number, string, number, string], Buffer>(`SELECT bits FROM ${postingsTable(d)} WHERE shard = ? AND type = ? AND col = ? AND term >= ?`).pluck();
    this.buckets = db.prepare(`SELECT bucket, lo, hi FROM ${numberBucketsTable(d)} WHERE shard = ? AND type = ? AND field = ? AND bucket >= 0 ORDER BY bucket`);
    this.bucketBits = db.prepare<[number, string, number, number], Buffer>(`SELECT bits FROM ${numberBucketsTable(d)} WHERE shard = ? AND type = ? AND field = ? AND bucket = ?`).pluck();
    this.blockBounds = db.prepare(`SELECT block, lo, hi FROM ${numberPairsTable(d)} WHERE shard = ? AND type = ? AND field = ? AND bucket = ? ORDER BY block`);
    this.blockPairs = db.prepare<[number, string, number, number, number], Buffer>(
      `SELECT pairs FROM ${numberPairsTable(d)} WHERE shard = ? AND type = ? AND field = ? AND bucket = ? AND block = ?`,
    ).pluck();
  }

  /**
   * The postings' state, or null when a shard holding records has no current postings.
   * `expected`: the shards that hold records and the version of their records each must be
   * built from, when the records are kept elsewhere (a copy of another store's postings);
   * by default the shards from this database's first record to its last, each current.
   */
  state(expected?: ReadonlyMap<number, number>): PostingsState | null {
    let rows: { shard: number; version: number; built: number; format: number; columns: string }[];
    if (expected === undefined) {
      const range = shardRange(this.db, this.d);
      if (range === null) return { shards: [], built: new Map(), noTerms: new Set(), noExists: new Set(), prefixed: new Map(), pairs: new Set(), noPairs: new Set() };
      rows = this.states.all(range.first, range.last);
      if (rows.length !== range.last - range.first + 1) return null;
      if (rows.some((row) => row.built !== row.version || row.format !== postingsFormat)) return null;
    } else {
      if (expected.size === 0) return { shards: [], built: new Map(), noTerms: new Set(), noExists: new Set(), prefixed: new Map(), pairs: new Set(), noPairs: new Set() };
      const shards = [...expected.keys()];
      rows = this.states.all(Math.min(...shards), Math.max(...shards)).filter((row) => expected.has(row.shard));
      if (rows.length !== expected.size) return null;
      if (rows.some((row) => row.built !== expected.get(row.shard) || row.format !== postingsFormat)) return null;
    }
    // The shards' column lists only change when a shard is built again.
    const key = rows.map((row) => `${row.shard}:${row.built}`).join(',');
    if (this.lastState?.key === key) return this.lastState.state;
    const noTerms = new Set<string>();
    const noExists = new Set<string>();
    const prefixed = new Map<string, Set<number>>();
    const pairs = new Set<string>();
    const noPairs = new Set<string>();
    for (const row of rows) {
      const columns = JSON.parse(row.columns) as ShardColumns;
      for (const [type, held] of Object.entries(columns)) {
        for (const c of held.pairs) pairs.add(`${type}\t${c}`);
        for (const c of held.unpaired) noPairs.add(`${type}\t${c}`);
        for (const c of held.sparse) {
          const key = `${type}\t${c}`;
          noTerms.add(key);
          const shards = prefixed.get(key);
          if (shards) shards.add(row.shard);
          else prefixed.set(key, new Set([row.shard]));
        }
        for (const c of held.long) {
          noTerms.add(`${type}\t${c}`);
          noExists.add(`${type}\t${c}`);
        }
      }
    }
    const state = { shards: rows.map((row) => row.shard), built: new Map(rows.map((row) => [row.shard, row.built])), noTerms, noExists, prefixed, pairs, noPairs };
    this.lastState = { key, state };
    return state;
  }

  /**
   * How the plan's leaves are met: `held` counts those the postings hold, `fromSql` the others:
   * full-text leaves of the record type (phrases, rare-term columns) and `nested` queries on
   * entries the postings do not hold, read from SQL into bitmaps while selective. `runs` is
   * false when a leaf can be neither (a nested query under another nested one). The leaves to
   * read from SQL are added to `fromSql` when given.
   */
  static coverage(plan: Plan, state: PostingsState, fromSql?: Plan[]): { runs: boolean; held: number; fromSql: number } {
    const out = { runs: true, held: 0, fromSql: 0 };
    const visit = (p: Plan): void => {
      switch (p.op) {
        case 'all':
        case 'none':
        case 'ids':
        case 'numbers':
        case 'range':
          out.held++;
          return;
        case 'docs':
          // Nested documents are numbered otherwise in the postings.
          if (p.type === '') out.held++;
          else out.runs = false;
          return;
        case 'text':
          if (exprHeld(p.expr, `${p.type}\t${p.column}`, state)) out.held++;
          else if (p.type !== '') out.runs = false;
          else {
            out.fromSql++;
            fromSql?.push(p);
          }
          return;
        case 'and':
        case 'or':
        case 'atLeast':
          p.parts.forEach(visit);
          return;
        case 'not':
          visit(p.base);
          p.excluded.forEach(visit);
          return;
        case 'nested':
          // Entries the postings do not hold (a rare-term column such as a company's name or
          // URL, nested-in-nested): their records are read from SQL while selective.
          if (p.parent !== '') out.runs = false;
          else if (BitmapPostings.held(p.inner, state)) visit(p.inner);
          else {
            out.fromSql++;
            fromSql?.push(p);
          }
          return;
        default: {
          const unhandled: never = p;
          throw new Error(`unhandled plan ${String(unhandled)}`);
        }
      }
    };
    visit(plan);
    return out;
  }

  /** Whether the postings hold every leaf of the plan (nothing read from SQL). */
  static held(plan: Plan, state: PostingsState): boolean {
    const cover = BitmapPostings.coverage(plan, state);
    return cover.runs && cover.fromSql === 0;
  }

  /**
   * Reads the record ids of a plan the postings do not hold from SQL (set by the search store);
   * null when there are more than it reads (the search then runs in SQL).
   */
  sqlIds: ((plan: Plan) => number[] | null) | null = null;

  /** The documents (of the plan's type) the plan selects, per shard. */
  evaluate(plan: Plan, state: PostingsState): Sets {
    switch (plan.op) {
      case 'none':
        return new Map<number, Bitmap>();
      case 'all':
        return this.perShard(state, (s) => this.read(this.term.get(s, plan.type, -1, '')));
      case 'ids':
        return intersect(idSets(plan.values), this.perShard(state, (s) => this.read(this.term.get(s, '', -1, ''))));
      case 'docs':
        if (plan.type !== '') throw new Error('nested documents by id are not held by the postings');
        return intersect(idSets(plan.values), this.perShard(state, (s) => this.read(this.term.get(s, '', -1, ''))));
      case 'text': {
        if (exprHeld(plan.expr, `${plan.type}\t${plan.column}`, state)) {
          const prefixed = state.prefixed.get(`${plan.type}\t${plan.column}`);
          return this.perShard(state, (s) => this.expr(s, plan.type, plan.column, plan.expr, prefixed?.has(s) === true));
        }
        const ids = this.sqlIds?.(plan) ?? null;
        if (ids === null) throw new TooBroad();
        return idSets(ids);
      }
      case 'numbers': {
        const values = [...new Set(plan.values)].sort((a, b) => a - b);
        return this.perShard(state, (s) => this.numberValues(s, state, plan.type, plan.field, values));
      }
      case 'range':
        return this.perShard(state, (s) => this.numberRange(s, state, plan.type, plan.field, plan.bounds));
      case 'and': {
        let out = this.evaluate(plan.parts[0]!, state);
        for (const part of plan.parts.slice(1)) {
          if (out.size === 0) break;
          out = intersect(out, this.evaluate(part, state));
        }
        return out;
      }
      case 'or': {
        const out: Sets = new Map();
        for (const part of plan.parts) unite(out, this.evaluate(part, state));
        return out;
      }
      case 'atLeast':
        return this.atLeast(plan.parts, plan.need, state);
      case 'not': {
        const out = this.evaluate(plan.base, state);
        for (const part of plan.excluded) {
          if (out.size === 0) break;
          for (const [s, b] of this.evaluate(part, state)) out.get(s)?.andNotInPlace(b);
        }
        return out;
      }
      case 'nested': {
        if (!BitmapPostings.held(plan.inner, state)) {
          const ids = this.sqlIds?.(plan) ?? null;
          if (ids === null) throw new TooBroad();
          return idSets(ids);
        }
        // Entries are numbered in record order, so their records come out ascending.
        const out: Sets = new Map();
        for (const [s, entries] of this.evaluate(plan.inner, state)) {
          const recordOf = this.recordOffsets(s, state, plan.child);
          // Records set in a bitset of the shard's offsets as the entries are read, one pass
          // (bitset-bitmap.ts): a bitmap made value by value cost ~10 ns a sorted value, at 1M
          // people most of tp_03's time (439,000 entries); mapping them first and handing them to
          // bitmapOfValues, a pass more, ~1 ms more.
          if (this.entryScratch.length < entries.size) this.entryScratch = new Uint32Array(Math.max(entries.size, this.entryScratch.length * 2));
          const values = entries.toUint32Array(this.entryScratch);
          const bits = this.recordBits.fill(0);
          for (let i = 0; i < values.length; i++) {
            const record = recordOf[values[i]!]!;
            bits[record >>> 5]! |= 1 << (record & 31);
          }
          out.set(s, bitmapOfBitset(bits, bits.length));
        }
        return out;
      }
      default: {
        const unhandled: never = plan;
        throw new Error(`unhandled plan ${String(unhandled)}`);
      }
    }
  }

  /** Documents selected by at least `need` of the parts: saturating counters, one bitmap per count. */
  private atLeast(parts: readonly Plan[], need: number, state: PostingsState): Sets {
    if (need <= 1) return this.evaluate({ op: 'or', parts }, state);
    if (need > parts.length) return new Map();
    const counts = new Map<number, Bitmap[]>(); // shard → [≥1, ≥2, ... ≥need]
    const scratch = new RoaringBitmap32();
    for (const part of parts) {
      for (const [s, b] of this.evaluate(part, state)) {
        let c = counts.get(s);
        if (!c) counts.set(s, (c = Array.from({ length: need }, () => new RoaringBitmap32())));
        for (let k = need - 1; k >= 1; k--) {
          // c[k] |= c[k-1] & b, through one scratch bitmap (a new bitmap a step kept the garbage collector busy).
          scratch.copyFrom(c[k - 1]!);
          scratch.andInPlace(b);
          c[k]!.orInPlace(scratch);
        }
        c[0]!.orInPlace(b);
      }
    }
    const out: Sets = new Map();
    for (const [s, c] of counts) if (!c[need - 1]!.isEmpty) out.set(s, c[need - 1]!);
    return out;
  }

  private perShard(state: PostingsState, make: (shard: number) => Bitmap | null): Sets {
    const out: Sets = new Map();
    for (const s of state.shards) {
      const b = make(s);
      if (b !== null && !b.isEmpty) out.set(s, b);
    }
    return out;
  }

  private read(bits: Buffer | undefined): Bitmap | null {
    return bits === undefined ? null : RoaringBitmap32.deserialize(bits, bitmapFormat);
  }

  /** A text expression's documents in shard `s`; `prefixed`: the column keeps only its terms' prefixes there. */
  private expr(s: number, type: string, col: number, e: TextExpr, prefixed: boolean): Bitmap | null {
    switch (e.op) {
      case 'term':
        return this.read(this.term.get(s, type, col, e.token));
      case 'phrase':
        // One word, or two on a column keeping its two-word phrases (exprHeld).
        return e.tokens.length === 1 ? this.read(this.term.get(s, type, col, e.tokens[0]!)) : this.read(this.term.get(s, type, pairsColumn(col), e.tokens.join(' ')));
      case 'prefix': {
        if (prefixed) return this.read(this.term.get(s, type, prefixColumn(col), e.token));
        const end = prefixEnd(e.token);
        const rows = end === null ? this.prefixOpen.all(s, type, col, e.token) : this.prefix.all(s, type, col, e.token, end);
        return rows.length === 0 ? null : RoaringBitmap32.orMany(rows.map((bits) => this.read(bits)!));
      }
      case 'or': {
        const parts = e.parts.map((p) => this.expr(s, type, col, p, prefixed)).filter((b): b is Bitmap => b !== null);
        return parts.length === 0 ? null : RoaringBitmap32.orMany(parts);
      }
      case 'and': {
        let out: Bitmap | null = null;
        for (const p of e.parts) {
          const b = this.expr(s, type, col, p, prefixed);
          if (b === null) return null;
          if (out === null) out = b;
          else out.andInPlace(b);
          if (out.isEmpty) return null;
        }
        return out;
      }
      case 'near':
        throw new Error('near is not held by the postings');
      default: {
        const unhandled: never = e;
        throw new Error(`unhandled text expression ${String(unhandled)}`);
      }
    }
  }

  /** A shard's default order, kept while its postings stay the same (least recently used go first). */
  recency(s: number, state: PostingsState): Recency {
    const key = `${s}:${state.built.get(s)}`;
    let r = this.recencyCache.get(key);
    if (r) {
      this.recencyCache.delete(key);
      this.recencyCache.set(key, r);
      return r;
    }
    const bytes = aligned(this.term.get(s, '', recencyOrderColumn, ''));
    const runs = JSON.parse(this.term.get(s, '', recencyValuesColumn, '')?.toString() ?? '[]') as [string | null, number][];
    const starts = new Int32Array(runs.length + 1);
    runs.forEach(([, n], i) => (starts[i + 1] = starts[i]! + n));
    const order = new Uint16Array(bytes, 0, bytes.byteLength / 2);
    const rank = new Uint16Array(shardSize);
    for (let p = 0; p < order.length; p++) rank[order[p]!] = p;
    r = { order, rank, values: runs.map(([v]) => v), starts };
    if (this.recencyCache.size >= maxRecencyShards) this.recencyCache.delete(this.recencyCache.keys().next().value!);
    this.recencyCache.set(key, r);
    return r;
  }

  /** The last_updated value at a position of a shard's default order. */
  static valueAt(r: Recency, position: number): string | null {
    let lo = 0;
    let hi = r.values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (r.starts[mid]! <= position) lo = mid;
      else hi = mid - 1;
    }
    return r.values[lo]!;
  }

  /** The first position of a shard's default order that comes after the cursor. */
  private static positionAfter(r: Recency, base: number, after: SortValues): number {
    const lu = after.lastUpdated ?? null;
    let lo = 0;
    let hi = r.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (newestFirst(r.values[mid]!, lu) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === r.values.length || r.values[lo] !== lu) return r.starts[lo]!;
    // The cursor's own value: its records are in descending offset order; skip those >= the cursor's.
    const cut = after.id - base;
    let from = r.starts[lo]!;
    let to = r.starts[lo + 1]!;
    while (from < to) {
      const mid = (from + to) >>> 1;
      if (r.order[mid]! >= cut) from = mid + 1;
      else to = mid;
    }
    return from;
  }

  /**
   * The first `size` hits in the default order after the cursor, with their last_updated: each
   * shard's order is walked from the cursor only as far as the merge of the shards asks (a heap
   * of their next hits), so the walk follows the page, not the hits. A shard tests membership
   * on its bitmap when at least one record in 8 is a hit (a few steps a hit), else in a flat
   * array of its marked hits (a walk of many records between hits); a shard whose records are
   * all hits is its order.
   */
  newestFirst(hits: HitSet, state: PostingsState, after: SortValues | null, size: number): SortValues[] {
    const marked: { marks: Uint8Array; members: Uint32Array }[] = [];
    const walks: Iterator<SortValues>[] = [];
    for (const [s, bits] of hits.shards()) {
      const r = this.recency(s, state);
      let test: (offset: number) => boolean;
      if (bits.size === r.order.length) test = () => true;
      else if (bits.size * 8 >= r.order.length || marked.length >= maxMarkedShards) test = (offset) => bits.has(offset);
      else {
        const marks = (this.marks[marked.length] ??= new Uint8Array(shardSize));
        const members = bits.toUint32Array();
        for (let i = 0; i < members.length; i++) marks[members[i]!] = 1;
        marked.push({ marks, members });
        test = (offset) => marks[offset] === 1;
      }
      walks.push(walk(r, s * shardSize, after ? BitmapPostings.positionAfter(r, s * shardSize, after) : 0, test));
    }
    try {
      return mergeSorted(walks, byNewest, size);
    } finally {
      for (const { marks, members } of marked) for (let i = 0; i < members.length; i++) marks[members[i]!] = 0;
    }
  }

  /** The last_updated of hits (in the shards' default order as built). */
  /**
   * The page of hits computed on the postings: in id order straight from the bitmaps, in the
   * default order from each shard's records in that order (newestFirst); no statement reads
   * the records. Every hit scores `score`.
   */
  page(hits: HitSet, state: PostingsState, sort: 'default' | 'id' | 'score', after: SortValues | null, size: number, score: number): SearchPage {
    let values: SortValues[];
    if (sort === 'id') {
      const ids = hits.idsAfter(after ? after.id : null, size);
      const lastUpdated = this.lastUpdatedOf(state, ids);
      values = ids.map((id, i) => ({ id, lastUpdated: lastUpdated[i]! }));
    } else {
      values = this.newestFirst(hits, state, after, size);
    }
    return { ids: values.map((v) => v.id), total: hits.total, values, scores: new Map(values.map((v) => [v.id, score])) };
  }

  lastUpdatedOf(state: PostingsState, ids: readonly number[]): (string | null)[] {
    let shard = -1;
    let r: Recency | null = null;
    return ids.map((id) => {
      const s = shardOf(id);
      if (s !== shard) r = this.recency((shard = s), state);
      return BitmapPostings.valueAt(r!, r!.rank[id - s * shardSize]!);
    });
  }

  /** Each state's merged word lists, by `${type}\t${col}`. */
  private readonly wordsCache = new WeakMap<PostingsState, Map<string, readonly string[]>>();

  /**
   * A text column's distinct words over every shard (stored tokens, in term order), merged from
   * the shards' word lists (wordsColumn): what a pattern on the column expands on, without
   * walking FTS5's vocabulary of every column. Null when a shard was built without them.
   */
  words(state: PostingsState, type: string, col: number): readonly string[] | null {
    let byColumn = this.wordsCache.get(state);
    if (byColumn === undefined) this.wordsCache.set(state, (byColumn = new Map()));
    const key = `${type}\t${col}`;
    const known = byColumn.get(key);
    if (known !== undefined) return known;
    let out: string[] | null = null;
    const all = new Set<string>();
    if (state.shards.every((s) => {
      const bytes = this.term.get(s, type, wordsColumn(col), '');
      if (bytes === undefined) return false;
      if (bytes.length > 0) for (const word of bytes.toString('utf8').split('\n')) all.add(word);
      return true;
    })) out = [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // A column of a word a record (a profile URL as text: ~1M words at 1M people, ~60 MB as
    // strings) is merged again for each expansion rather than kept by every search thread. A
    // missing list is not kept either: building a shard again from the same version (to give
    // it its lists) leaves the state as it was.
    if (out !== null && out.length <= maxCachedWords) byColumn.set(key, out);
    return out;
  }

  /** A held term's documents in one shard (null: none). */
  termBits(s: number, type: string, col: number, token: string): Bitmap | null {
    return this.read(this.term.get(s, type, col, token));
  }

  /** The record documents of one shard holding a term of a column more than once: local → times. */
  repeats(s: number, col: number, token: string): Map<number, number> | null {
    const bytes = this.term.get(s, '', repeatsColumn(col), token);
    if (bytes === undefined) return null;
    const copy = aligned(bytes);
    const pairs = new Uint32Array(copy, 0, copy.byteLength / 4);
    const out = new Map<number, number>();
    for (let i = 0; i < pairs.length; i += 2) out.set(pairs[i]!, pairs[i + 1]!);
    return out;
  }

  /** The length bytes of a text column's record documents in one shard, by record offset (kept while the shard's postings stay the same); null: not held. */
  norms(s: number, state: PostingsState, col: number): Uint8Array | null {
    return kept(this.normsCache, 1024, `${s}:${state.built.get(s)}\t${col}`, () => {
      const bytes = this.term.get(s, '', normsColumn(col), '');
      return bytes === undefined ? null : new Uint8Array(aligned(bytes));
    });
  }

  /** A nested type's record offsets by entry number, in one shard (kept while the shard's postings stay the same). */
  private recordOffsets(s: number, state: PostingsState, type: string): Uint16Array {
    return kept(this.offsetCache, 4096, `${s}:${state.built.get(s)}\t${type}`, () => {
      const bytes = aligned(this.term.get(s, type, -2, ''));
      return new Uint16Array(bytes, 0, bytes.byteLength / 2);
    });
  }

  private bucketsOf(s: number, state: PostingsState, type: string, field: number): readonly Bucket[] {
    return kept(this.bucketCache, 65_536, `${s}:${state.built.get(s)}\t${type}\t${field}`, () => this.buckets.all(s, type, field));
  }

  private numberRange(s: number, state: PostingsState, type: string, field: number, bounds: NumberBounds): Bitmap | null {
    const { gt, gte, lt, lte } = bounds;
    if (gt === undefined && gte === undefined && lt === undefined && lte === undefined) {
      return this.read(this.bucketBits.get(s, type, field, -1));
    }
    const above = (v: number): boolean => (gt === undefined || v > gt) && (gte === undefined || v >= gte);
    const below = (v: number): boolean => (lt === undefined || v < lt) && (lte === undefined || v <= lte);
    const parts: Bitmap[] = [];
    for (const b of this.bucketsOf(s, state, type, field)) {
      if (!above(b.hi) || !below(b.lo)) continue; // no value of the bucket is in range
      if (above(b.lo) && below(b.hi)) {
        parts.push(this.read(this.bucketBits.get(s, type, field, b.bucket))!);
      } else {
        this.edge(s, state, type, field, b, [[gt ?? gte ?? -Infinity, lt ?? lte ?? Infinity]], (v) => above(v) && below(v), parts);
      }
    }
    const edges = this.pairReader.takeBitmap();
    if (edges !== null) parts.push(edges);
    return parts.length === 0 ? null : RoaringBitmap32.orMany(parts);
  }

  private numberValues(s: number, state: PostingsState, type: string, field: number, values: readonly number[]): Bitmap | null {
    const parts: Bitmap[] = [];
    const buckets = this.bucketsOf(s, state, type, field);
    let i = 0;
    for (const b of buckets) {
      while (i < values.length && values[i]! < b.lo) i++;
      if (i >= values.length) break;
      if (values[i]! > b.hi) continue;
      const inside: [number, number][] = [];
      for (let j = i; j < values.length && values[j]! <= b.hi; j++) inside.push([values[j]!, values[j]!]);
      if (b.lo === b.hi) {
        parts.push(this.read(this.bucketBits.get(s, type, field, b.bucket))!);
      } else {
        this.edge(s, state, type, field, b, inside, null, parts);
      }
    }
    const edges = this.pairReader.takeBitmap();
    if (edges !== null) parts.push(edges);
    return parts.length === 0 ? null : RoaringBitmap32.orMany(parts);
  }

  /** The blocks of a bucket's pairs and their bounds (kept while the shard's postings stay the same). */
  private blocksOf(s: number, state: PostingsState, type: string, field: number, bucket: number): readonly { block: number; lo: number; hi: number }[] {
    return kept(this.blockCache, 65_536, `${s}:${state.built.get(s)}\t${type}\t${field}\t${bucket}`, () => this.blockBounds.all(s, type, field, bucket));
  }

  /**
   * The documents of a bucket whose value passes `keep` (null: any), into the pair reader (to
   * `takeBitmap`), or into `parts` as the bucket's bitmap when it holds one value; its pairs are sorted by value in blocks
   * with known bounds, so only the blocks holding a value of some span are read (at 1M people 50
   * company ids read 643 blocks where their first-to-last span reached 794), and each `[from, to]` span (values from..to, inclusive,
   * ascending, not overlapping) is found in a block by binary search, then kept or not.
   */
  private edge(s: number, state: PostingsState, type: string, field: number, b: Bucket, spans: readonly (readonly [number, number])[], keep: ((v: number) => boolean) | null, parts: Bitmap[]): void {
    if (b.lo === b.hi) {
      if (keep === null || keep(b.lo)) parts.push(this.read(this.bucketBits.get(s, type, field, b.bucket))!);
      return;
    }
    let first = 0; // the first span not wholly below the current block
    for (const block of this.blocksOf(s, state, type, field, b.bucket)) {
      while (first < spans.length && spans[first]![1] < block.lo) first++;
      if (first === spans.length) break;
      if (spans[first]![0] > block.hi) continue; // no span reaches into this block
      const pairs = this.blockPairs.get(s, type, field, b.bucket, block.block);
      if (pairs === undefined) continue;
      this.pairReader.load(pairs);
      for (let k = first; k < spans.length && spans[k]![0] <= block.hi; k++) this.pairReader.collect(spans[k]![0], spans[k]![1], keep);
    }
  }
}

/**
 * What `make` reads for a key of one shard build, kept in `cache` (emptied past `limit` entries):
 * a shard's data stays the same while its postings do, and the key carries the build.
 */
function kept<T>(cache: Map<string, T>, limit: number, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size > limit) cache.clear();
    value = make();
    cache.set(key, value);
  }
  return value;
}

/** Record ids as per-shard sets of offsets. */
function idSets(ids: readonly number[]): Sets {
  const byShard = new Map<number, number[]>();
  for (const id of ids) {
    const s = shardOf(id);
    const list = byShard.get(s);
    if (list) list.push(id - s * shardSize);
    else byShard.set(s, [id - s * shardSize]);
  }
  return new Map([...byShard].map(([s, offsets]) => [s, new RoaringBitmap32(offsets)]));
}

/** A copy of a blob that typed arrays can view (SQLite's buffers need not be aligned). */
function aligned(bytes: Buffer | undefined): ArrayBuffer {
  const copy = new ArrayBuffer(bytes?.length ?? 0);
  if (bytes) new Uint8Array(copy).set(bytes);
  return copy;
}

/** A leaf read from SQL had more ids than are worth reading into bitmaps. */
export class TooBroad extends Error {}

export function exprHeld(e: TextExpr, column: string, state: PostingsState): boolean {
  switch (e.op) {
    case 'term':
      return e.token === existsToken ? !state.noExists.has(column) : !state.noTerms.has(column);
    case 'prefix':
      // A rare-term column keeps its terms' short prefixes instead (postings.ts, prefixColumn).
      return !state.noTerms.has(column) || (!state.noExists.has(column) && prefixBytes(e.token) <= maxPrefixBytes);
    case 'phrase':
      // Two words: a column keeping its two-word phrases in every shard where it has a value.
      if (e.tokens.length === 2) return state.pairs.has(column) && !state.noPairs.has(column) && !state.noTerms.has(column);
      return e.tokens.length === 1 && exprHeld({ op: 'term', token: e.tokens[0]! }, column, state);
    case 'near':
      return false;
    case 'or':
    case 'and':
      return e.parts.every((p) => exprHeld(p, column, state));
    default: {
      const unhandled: never = e;
      throw new Error(`unhandled text expression ${String(unhandled)}`);
    }
  }
}

function intersect(a: Sets, b: Sets): Sets {
  const out: Sets = new Map();
  for (const [s, x] of a) {
    const y = b.get(s);
    if (!y) continue;
    x.andInPlace(y);
    if (!x.isEmpty) out.set(s, x);
  }
  return out;
}

function unite(into: Sets, more: Sets): void {
  for (const [s, b] of more) {
    const have = into.get(s);
    if (have) have.orInPlace(b);
    else into.set(s, b);
  }
}

/** Root documents of the sets as record ids. */
export class HitSet {
  constructor(private readonly sets: Sets) {}

  /** The hits of record ids found some other way (SQL). */
  static of(ids: readonly number[]): HitSet {
    return new HitSet(idSets(ids));
  }

  get total(): number {
    let n = 0;
    for (const b of this.sets.values()) n += b.size;
    return n;
  }

  /** The shards with hits and their record offsets. */
  shards(): IterableIterator<[number, Bitmap]> {
    return this.sets.entries();
  }

  /** Up to `size` ids above `after`, ascending. */
  idsAfter(after: number | null, size: number): number[] {
    const out: number[] = [];
    for (const s of [...this.sets.keys()].sort((a, b) => a - b)) {
      const base = s * shardSize;
      if (after !== null && base + shardSize - 1 <= after) continue;
      const b = this.sets.get(s)!;
      const start = after === null || after < base ? 0 : b.rank(after - base);
      for (const local of b.rangeUint32Array(start, size - out.length)) out.push(base + local);
      if (out.length >= size) break;
    }
    return out;
  }
}

