// Small, fast, seedable randomness for the people generator.
//
// Every person (and every snapshot step of every person) gets its own PRNG seeded from a hash of
// (seed, person index, stream, ...). That is what makes person i identical whether 10 or 1,000,000
// people are generated, and lets snapshots and change detection be computed per person.

/** murmur3's 32-bit finaliser: a bijective avalanche mix, so nearby inputs give unrelated outputs. */
export function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes any number of integers (up to 2^53) into one 32-bit seed. Order matters. */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const lo = part >>> 0;
    // The high word keeps seeds above 2^32 distinct instead of silently wrapping.
    const hi = Math.floor(part / 0x100000000) >>> 0;
    h = fmix32((Math.imul(h ^ lo, 0x9e3779b1) + hi) >>> 0);
  }
  return h;
}

/** mulberry32: 32-bit state, full period 2^32, plenty for a few hundred draws per person. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Index drawn from a table of weights, e.g. [0.5, 0.3, 0.2] -> 0 half of the time. */
  pickIndexByWeights(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** `count` distinct items (fewer if the list is shorter), in draw order. */
  pickDistinct<T>(items: readonly T[], count: number): T[] {
    const n = Math.min(count, items.length);
    const taken = new Set<number>();
    const out: T[] = [];
    while (out.length < n) {
      const idx = Math.floor(this.next() * items.length);
      if (taken.has(idx)) continue;
      taken.add(idx);
      out.push(items[idx]);
    }
    return out;
  }

  /** Digits-only string of the given length (leading zeros allowed). */
  digits(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += String(Math.floor(this.next() * 10));
    return s;
  }
}

/**
 * Precomputed cumulative weights for O(log n) weighted draws from large tables
 * (5,000 companies, cities), where the linear scan of pickIndexByWeights would dominate.
 */
export class WeightedIndex {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      sum += weights[i];
      this.cumulative[i] = sum;
    }
    this.total = sum;
  }

  draw(rng: Prng): number {
    const r = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Zipf-like weights 1/(rank+offset)^exponent: a few very popular entries, a long tail. */
export function zipfWeights(count: number, exponent: number, offset: number): number[] {
  const weights = new Array<number>(count);
  for (let r = 0; r < count; r++) weights[r] = 1 / Math.pow(r + offset, exponent);
  return weights;
}

/**
 * Independent random streams per person. Identity and "has a job at the base snapshot" have their
 * own streams so other people's links and change detection can compute them cheaply, without
 * generating the whole profile.
 */
export const STREAM = {
  identity: 1,
  profile: 2,
  currentJob: 3,
  snapshotStep: 4,
} as const;
