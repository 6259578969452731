// The blocks of (value, document) pairs a number bucket keeps (postings.ts, {d}_number_pairs),
// sorted by value then document, encoded as the bucket's distinct values, where each value's
// documents end, and the documents:
//
//   [0]  u32  pairs in the block (n)
//   [4]  u32  distinct values (k) × 4 + flags (1: documents are 16-bit, 2: values are 32-bit
//             offsets from the base)
//   [8]  f64  base: the block's smallest value
//   [16]      k values: f64 each, or u32 offsets from the base (every value an integer within
//             2^32 of the base: counts, ids, years, days)
//             k u16: the end of each value's documents among the n
//             (aligned to 4) n documents: u16 (record offsets, entry numbers below 65,536) or u32
//
// The form before (format 8) kept each pair as an f64 and a u32, 12 bytes; a record-type field
// with repeated values (a company id) takes ~2 bytes a pair this way. A search reads blocks at
// the edges of a range and wherever a `terms` value falls, so their bytes and count were what a
// `terms` of 500 company ids cost at 1M people (1,821 blocks, 10 MB).

import type roaring from 'roaring';
import { bitmapOfValues } from './bitset-bitmap.js';

type Bitmap = InstanceType<typeof roaring.RoaringBitmap32>;

const headerBytes = 16;
const docs16 = 1;
const values32 = 2;

/** Encodes the pairs `values[i]`, `docs[i]` (sorted by value, then document; at most 65,535). */
export function encodePairBlock(values: ArrayLike<number>, docs: ArrayLike<number>): Buffer {
  const n = values.length;
  if (n === 0 || n > 0xffff) throw new Error(`a pair block holds 1 to 65,535 pairs, not ${n}`);
  const distinct: number[] = [];
  const ends: number[] = [];
  let maxDoc = 0;
  for (let i = 0; i < n; i++) {
    if (i === 0 || values[i] !== values[i - 1]) {
      if (i > 0) ends.push(i);
      distinct.push(values[i]!);
    }
    if (docs[i]! > maxDoc) maxDoc = docs[i]!;
  }
  ends.push(n);
  const k = distinct.length;
  const base = distinct[0]!;
  const narrowValues = distinct.every((v) => Number.isInteger(v) && v - base < 2 ** 32);
  const narrowDocs = maxDoc <= 0xffff;
  const valueBytes = k * (narrowValues ? 4 : 8);
  const docsAt = align4(headerBytes + valueBytes + 2 * k);
  const out = new ArrayBuffer(docsAt + n * (narrowDocs ? 2 : 4));
  const head = new DataView(out);
  head.setUint32(0, n, true);
  head.setUint32(4, k * 4 + (narrowDocs ? docs16 : 0) + (narrowValues ? values32 : 0), true);
  head.setFloat64(8, base, true);
  if (narrowValues) {
    const v = new Uint32Array(out, headerBytes, k);
    for (let i = 0; i < k; i++) v[i] = distinct[i]! - base;
  } else new Float64Array(out, headerBytes, k).set(distinct);
  new Uint16Array(out, headerBytes + valueBytes, k).set(ends);
  const d = narrowDocs ? new Uint16Array(out, docsAt, n) : new Uint32Array(out, docsAt, n);
  for (let i = 0; i < n; i++) d[i] = docs[i]!;
  return Buffer.from(out);
}

const align4 = (n: number): number => (n + 3) & ~3;

/**
 * Reads encoded blocks one after another through one aligned scratch buffer (SQLite's blobs need
 * not be aligned; a new buffer a block kept the garbage collector busy).
 */
export class PairBlockReader {
  private scratch = new ArrayBuffer(1 << 16);
  private k = 0;
  /** Added to each stored value: the block's base for 32-bit offsets, 0 for 64-bit values. */
  private offset = 0;
  private values: Float64Array | Uint32Array = new Float64Array(0);
  private ends: Uint16Array = new Uint16Array(0);
  private docs: Uint16Array | Uint32Array = new Uint16Array(0);
  /** The documents collected since the last `takeBitmap`. */
  private out = new Uint32Array(4096);
  private taken = 0;

  /** Makes `blob` the block read. */
  load(blob: Uint8Array): void {
    if (this.scratch.byteLength < blob.length) this.scratch = new ArrayBuffer(blob.length);
    new Uint8Array(this.scratch, 0, blob.length).set(blob);
    const head = new DataView(this.scratch);
    const n = head.getUint32(0, true);
    const kf = head.getUint32(4, true);
    this.k = kf >>> 2;
    const narrowValues = (kf & values32) !== 0;
    this.offset = narrowValues ? head.getFloat64(8, true) : 0;
    const valueBytes = this.k * (narrowValues ? 4 : 8);
    this.values = narrowValues ? new Uint32Array(this.scratch, headerBytes, this.k) : new Float64Array(this.scratch, headerBytes, this.k);
    this.ends = new Uint16Array(this.scratch, headerBytes + valueBytes, this.k);
    const docsAt = align4(headerBytes + valueBytes + 2 * this.k);
    this.docs = (kf & docs16) !== 0 ? new Uint16Array(this.scratch, docsAt, n) : new Uint32Array(this.scratch, docsAt, n);
  }

  private value(i: number): number {
    return this.offset + this.values[i]!;
  }

  /**
   * Collects the documents of the loaded block whose value is in [from, to] and passes `keep`
   * (called once a distinct value; null: every value).
   */
  collect(from: number, to: number, keep: ((v: number) => boolean) | null): void {
    let lo = 0;
    let hi = this.k;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.value(mid) < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.k; i++) {
      const v = this.value(i);
      if (v > to) break;
      if (keep !== null && !keep(v)) continue;
      const start = i === 0 ? 0 : this.ends[i - 1]!;
      const end = this.ends[i]!;
      if (this.taken + end - start > this.out.length) {
        const grown = new Uint32Array(Math.max(this.out.length * 2, this.taken + end - start));
        grown.set(this.out.subarray(0, this.taken));
        this.out = grown;
      }
      this.out.set(this.docs.subarray(start, end), this.taken);
      this.taken += end - start;
    }
  }

  /** The bitmap of the documents collected since the last call (null: none). */
  takeBitmap(): Bitmap | null {
    const n = this.taken;
    this.taken = 0;
    return n === 0 ? null : bitmapOfValues(this.out.subarray(0, n));
  }
}
