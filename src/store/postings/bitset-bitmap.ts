// A roaring bitmap made from a plain bitset (32-bit words, bit i of the set at word i >> 5, bit
// i & 31) by writing the roaring portable format (https://github.com/RoaringBitmap/RoaringFormatSpec)
// and reading it back: a chunk of 65,536 values with more than 4,096 members is a bitset container
// (its 8 KB copied as it is), a smaller one an array container of its members. Making a bitmap
// from sorted values costs roaring ~10 ns a value (it finds each value's container in turn), from
// unsorted ones ~80 ns; values set in a bitset at ~1 ns each become a bitmap in one read of the
// serialized form (bitmapOfValues).
import roaring from 'roaring';

const { RoaringBitmap32 } = roaring;
type Bitmap = InstanceType<typeof RoaringBitmap32>;

/** The portable format's cookie of a bitmap without run containers. */
const noRunCookie = 12346;
/** Most members of an array container. */
const arrayMax = 4096;
const chunkWords = 2048;

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** The bitmap of the members of `words[0..length)`. */
export function bitmapOfBitset(words: Int32Array, length: number): Bitmap {
  const chunks: { key: number; card: number }[] = [];
  for (let start = 0; start < length; start += chunkWords) {
    let card = 0;
    for (let w = start, end = Math.min(length, start + chunkWords); w < end; w++) if (words[w] !== 0) card += popcount(words[w]!);
    if (card > 0) chunks.push({ key: start / chunkWords, card });
  }
  const head = 8 + 8 * chunks.length;
  let size = head;
  for (const c of chunks) size += c.card > arrayMax ? 8192 : 2 * c.card;
  // A buffer of its own (offset 0), so that its 16- and 32-bit views are aligned.
  const out = new Uint8Array(size);
  const header = new DataView(out.buffer);
  header.setUint32(0, noRunCookie, true);
  header.setUint32(4, chunks.length, true);
  let at = head;
  chunks.forEach((c, i) => {
    header.setUint16(8 + 4 * i, c.key, true);
    header.setUint16(10 + 4 * i, c.card - 1, true);
    header.setUint32(8 + 4 * chunks.length + 4 * i, at, true);
    const start = c.key * chunkWords;
    const end = Math.min(length, start + chunkWords);
    if (c.card > arrayMax) {
      // Little-endian 32-bit words are the container's 64-bit words byte for byte.
      out.set(new Uint8Array(words.buffer, words.byteOffset + start * 4, (end - start) * 4), at);
      at += 8192;
    } else {
      const members = new Uint16Array(out.buffer, at, c.card);
      let m = 0;
      for (let w = start; w < end; w++) {
        for (let x = words[w]!; x !== 0; x &= x - 1) members[m++] = (w - start) * 32 + (31 - Math.clz32(x & -x));
      }
      at += 2 * c.card;
    }
  });
  return RoaringBitmap32.deserialize(out, 'portable');
}

/** Scratch bitset of bitmapOfValues (a search thread makes one bitmap at a time). */
let scratch = new Int32Array(2048);

/**
 * The bitmap of `values` (any order, repeats allowed): through a bitset when they are dense (the
 * largest below 64 x their number: a range's edge documents, whose runs come one value after
 * another), else made by roaring from them sorted.
 */
export function bitmapOfValues(values: Uint32Array): Bitmap {
  const n = values.length;
  let max = 0;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < max) sorted = false;
    else max = v;
  }
  if (max >= n * 64) return new RoaringBitmap32(sorted ? values : values.sort());
  const words = (max >>> 5) + 1;
  if (scratch.length < words) scratch = new Int32Array(Math.max(words, scratch.length * 2));
  scratch.fill(0, 0, words);
  for (let i = 0; i < n; i++) scratch[values[i]! >>> 5]! |= 1 << (values[i]! & 31);
  return bitmapOfBitset(scratch, words);
}
