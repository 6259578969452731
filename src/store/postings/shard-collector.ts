// What the bitmap postings of one shard are made from (postings.ts writes them): each held
// column's terms and their documents, each nested type's entries, the numbers, the record
// documents' length bytes and repeated terms, gathered from the shard's index documents.
//
// A shard is collected in one of two ways. The postings build reads the shard's records in id
// order and derives their documents again. An import's parse workers collect the documents they
// derive anyway, each from the records it parsed, so a shard's records are split between them:
// their parts travel as plain data (`toData`) and are merged (`merge`) into what the build would
// have collected, nested entries numbered in record order again.
import { existsToken, gapToken, type ColumnFilter, type IndexDoc } from '../../search/index-documents.js';
import type { DocType, IndexLayout } from '../../search/index-layout.js';
import { intToByte4 } from '../../search/bm25.js';

export const shardBits = 16;
export const shardSize = 1 << shardBits;
export const shardOf = (recordId: number): number => Math.floor(recordId / shardSize);
/** The longest prefix, in bytes of the term, a rare-term column keeps. */
export const maxPrefixBytes = 2;

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
/**
 * A text column held as terms also keeps its two-word phrases (each pair of adjacent tokens of
 * a value, like Elasticsearch's `index_phrases`) when its values average at most this many
 * tokens: titles, headlines, places, names of things. A phrase of two words on such a column
 * is then one bitmap a shard instead of FTS5 reading both words' whole doclists (they span
 * every column of the type: "data" and "engineer" in descriptions too).
 */
const maxPairTokensPerDoc = 12;

/**
 * (key, document) pairs appended to one flat array as documents come, grouped by key only when
 * read (a counting sort, so each key's documents keep the order they came in): a list per key,
 * pushed to as documents came, cost a cache miss and a growing array per posting (the build's
 * most expensive line, measured). Keys are small numbers (a term's, a phrase's).
 */
class KeyedDocs {
  /** By key: the last document added (-1: none yet). */
  private last = new Int32Array(256).fill(-1);
  /** (key, document) pairs, flat. */
  private flat: Int32Array<ArrayBufferLike> = new Int32Array(1024);
  /** Pairs held. */
  count = 0;

  private room(more: number, key: number): void {
    if (key >= this.last.length) {
      const grown = new Int32Array(Math.max(this.last.length * 2, key + 1)).fill(-1);
      grown.set(this.last);
      this.last = grown;
    }
    if ((this.count + more) * 2 <= this.flat.length) return;
    const grown = new Int32Array(Math.max(this.flat.length * 2, (this.count + more) * 2));
    grown.set(this.flat);
    this.flat = grown;
  }

  /** Adds a document to a key (a document's keys come together); false when the document already had it. */
  add(key: number, local: number): boolean {
    this.room(1, key);
    if (this.last[key] === local) return false;
    this.last[key] = local;
    this.flat[this.count * 2] = key;
    this.flat[this.count * 2 + 1] = local;
    this.count++;
    return true;
  }

  /** Adds documents a key does not have yet (another part's, renumbered by `map`). */
  addAll(key: number, locals: ArrayLike<number>, map: Int32Array | null): void {
    this.room(locals.length, key);
    for (let i = 0; i < locals.length; i++) {
      const local = map === null ? locals[i]! : map[locals[i]!]!;
      this.flat[this.count * 2] = key;
      this.flat[this.count * 2 + 1] = local;
      this.count++;
      this.last[key] = local;
    }
  }

  /** Each key's documents (keys 0..keys-1) in the order they came: views into one array. */
  groups(keys: number): Uint32Array[] {
    const start = new Uint32Array(keys + 1);
    for (let i = 0; i < this.count; i++) start[this.flat[i * 2]! + 1]!++;
    for (let k = 0; k < keys; k++) start[k + 1]! += start[k]!;
    const at = start.slice(0, keys);
    const docs = new Uint32Array(this.count);
    for (let i = 0; i < this.count; i++) docs[at[this.flat[i * 2]!]!++] = this.flat[i * 2 + 1]!;
    return Array.from({ length: keys }, (_, k) => docs.subarray(start[k]!, start[k + 1]!));
  }

  clear(): void {
    this.last.fill(-1);
    this.count = 0;
  }

  /** The pairs as plain data (structured clone). */
  toData(): Int32Array {
    return this.flat.slice(0, this.count * 2);
  }

  static fromData(flat: Int32Array): KeyedDocs {
    const out = new KeyedDocs();
    out.flat = flat.length > 0 ? flat : new Int32Array(1024);
    out.count = flat.length / 2;
    for (let i = 0; i < out.count; i++) {
      out.room(0, out.flat[i * 2]!);
      out.last[out.flat[i * 2]!] = out.flat[i * 2 + 1]!;
    }
    return out;
  }
}

/**
 * A column's terms and the documents of each, collected in document order. Terms are numbered
 * through an open-addressing table keyed on their characters, so a token is looked up where it
 * sits in its column's text (`addSpan`): splitting the text made a string of every token, and
 * hashing those fresh strings for a Map and collecting them was most of the collection's time.
 */
export class TermDocs {
  private readonly names: string[] = [];
  /** By term number: its hash. */
  private hashes = new Int32Array(256);
  /** Open addressing: slot → term number, -1 empty. */
  private table = new Int32Array(512).fill(-1);
  private docs = new KeyedDocs();

  /** Distinct terms. */
  get size(): number {
    return this.names.length;
  }

  /** (term, document) pairs. */
  get pairCount(): number {
    return this.docs.count;
  }

  /** A term's number (given it when new). */
  idOf(token: string): number {
    return this.idOfSpan(token, 0, token.length);
  }

  /** The number of the term text[start, end) (given it when new). */
  idOfSpan(text: string, start: number, end: number): number {
    let h = 0x811c9dc5 | 0; // an int32 from the start, as the hashes are stored (an empty span keeps it)
    for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    const mask = this.table.length - 1;
    let slot = (h ^ (h >>> 16)) & mask;
    for (;;) {
      const id = this.table[slot]!;
      if (id === -1) break;
      if (this.hashes[id] === h) {
        const name = this.names[id]!;
        if (name.length === end - start && text.startsWith(name, start)) return id;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.names.length;
    this.names.push(start === 0 && end === text.length ? text : text.slice(start, end));
    if (id >= this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[id] = h;
    this.table[slot] = id;
    if (this.names.length * 2 > this.table.length) this.rehash();
    return id;
  }

  private rehash(): void {
    this.table = new Int32Array(this.table.length * 2).fill(-1);
    const mask = this.table.length - 1;
    for (let id = 0; id < this.names.length; id++) {
      const h = this.hashes[id]!;
      let slot = (h ^ (h >>> 16)) & mask;
      while (this.table[slot] !== -1) slot = (slot + 1) & mask;
      this.table[slot] = id;
    }
  }

  /** A term by its number. */
  nameOf(id: number): string {
    return this.names[id]!;
  }

  /**
   * Adds a term of a document (a document's terms come together): its number, or the number's
   * complement (~id, negative) when the document already had it.
   */
  add(token: string, local: number): number {
    const id = this.idOf(token);
    return this.docs.add(id, local) ? id : ~id;
  }

  /** `add` of the term text[start, end). */
  addSpan(text: string, start: number, end: number, local: number): number {
    const id = this.idOfSpan(text, start, end);
    return this.docs.add(id, local) ? id : ~id;
  }

  /** Adds documents of a term that it does not have yet (another part's, renumbered by `map`). */
  addAll(token: string, locals: ArrayLike<number>, map: Int32Array | null): void {
    this.docs.addAll(this.idOf(token), locals, map);
  }

  /** Each term with its documents in the order they came (views into one array, valid until the next add). */
  entries(): [string, Uint32Array][] {
    const groups = this.docs.groups(this.names.length);
    return this.names.map((name, t) => [name, groups[t]!]);
  }

  clear(): void {
    this.table.fill(-1);
    this.names.length = 0;
    this.docs.clear();
  }

  /** Plain data another thread can receive (structured clone). */
  toData(): TermDocsData {
    return { names: this.names.slice(), pairs: this.docs.toData() };
  }

  static fromData(data: TermDocsData): TermDocs {
    const t = new TermDocs();
    for (const name of data.names) t.idOf(name);
    t.docs = KeyedDocs.fromData(data.pairs);
    return t;
  }
}

export interface TermDocsData {
  readonly names: string[];
  readonly pairs: Int32Array;
}

/**
 * A column's two-word phrases and the documents of each, collected as TermDocs collects terms,
 * each phrase known by the numbers its two words have in the column's TermDocs: no string is
 * made a token (a string a phrase, looked up in a Map, made a 20,000-person import 17 % slower).
 */
export class PairDocs {
  /** By phrase number: its first and second word's term numbers. */
  private words = new Int32Array(2048);
  /** Open addressing: slot → phrase number, -1 empty. */
  private table = new Int32Array(2048).fill(-1);
  private docs = new KeyedDocs();
  private n = 0;

  /** Distinct phrases. */
  get size(): number {
    return this.n;
  }

  private slotOf(a: number, b: number): number {
    const mask = this.table.length - 1;
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x632be5ab, 0x85ebca6b)) & mask;
    for (;;) {
      const p = this.table[slot]!;
      if (p === -1 || (this.words[2 * p] === a && this.words[2 * p + 1] === b)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private idOf(a: number, b: number): number {
    const slot = this.slotOf(a, b);
    const found = this.table[slot]!;
    if (found !== -1) return found;
    const p = this.n++;
    if (2 * p + 1 >= this.words.length) {
      const grown = new Int32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    this.words[2 * p] = a;
    this.words[2 * p + 1] = b;
    this.table[slot] = p;
    if (this.n * 2 > this.table.length) {
      this.table = new Int32Array(this.table.length * 2).fill(-1);
      for (let q = 0; q < this.n; q++) this.table[this.slotOf(this.words[2 * q]!, this.words[2 * q + 1]!)] = q;
    }
    return p;
  }

  /** Adds the phrase of words numbered a then b to a document (a document's phrases come together). */
  add(a: number, b: number, local: number): void {
    this.docs.add(this.idOf(a, b), local);
  }

  /** Adds documents of a phrase that it does not have yet (another part's, renumbered by `map`). */
  addAll(a: number, b: number, locals: ArrayLike<number>, map: Int32Array | null): void {
    this.docs.addAll(this.idOf(a, b), locals, map);
  }

  /** Each phrase's two word numbers and documents in the order they came (views into one array, valid until the next add). */
  groups(): [number, number, Uint32Array][] {
    const groups = this.docs.groups(this.n);
    return groups.map((docs, p) => [this.words[2 * p]!, this.words[2 * p + 1]!, docs]);
  }

  /** Each phrase as stored ("a b", the words' terms) with its documents. */
  entries(terms: TermDocs): [string, Uint32Array][] {
    return this.groups().map(([a, b, docs]) => [`${terms.nameOf(a)} ${terms.nameOf(b)}`, docs]);
  }

  clear(): void {
    this.table.fill(-1);
    this.docs.clear();
    this.n = 0;
  }

  /** Plain data another thread can receive (its word numbers are those of the column's TermDocs data). */
  toData(): PairDocsData {
    return { words: this.words.slice(0, 2 * this.n), flat: this.docs.toData() };
  }

  static fromData(data: PairDocsData): PairDocs {
    const out = new PairDocs();
    for (let i = 0; i < data.words.length; i += 2) out.idOf(data.words[i]!, data.words[i + 1]!);
    out.docs = KeyedDocs.fromData(data.flat);
    return out;
  }
}

export interface PairDocsData {
  readonly words: Int32Array;
  readonly flat: Int32Array;
}

/** One token column of one document type in a shard. */
export interface ColumnPostings {
  /** Documents with a value, their tokens (for the long-text rule) and postings (a token once a document). */
  docs: number;
  tokens: number;
  postings: number;
  /** Each term's local documents. */
  terms: TermDocs;
  /** Record documents only: token → [local, times] of those holding it more than once. */
  readonly repeats: Map<string, number[]>;
  /** Short text columns: each two adjacent tokens of a value and their local documents. */
  readonly pairs: PairDocs;
  /** Rare-term columns: the longest kept prefix of their terms (longestPrefix) → local documents. */
  readonly prefixes: Map<number, number[]>;
  /** Rare-term text columns: their distinct words, without documents (the term list a pattern expands on). */
  words: TermDocs | null;
}

export interface TypePostings {
  /** Every document of the type. */
  all: number[];
  /** Nested types: each entry's record offset, by entry number. */
  recordOf: number[];
  /** By column index. */
  readonly columns: (ColumnPostings | undefined)[];
  /** By number field id: [value, local] pairs, flat. */
  readonly numbers: Map<number, number[]>;
  /** Text columns found too long to hold (by column index). */
  readonly long: boolean[];
  /** Columns found to have mostly rare terms: only their exists marker is collected. */
  readonly sparse: boolean[];
  /** Text columns whose two-word phrases are collected (too long for them: false). */
  readonly paired: boolean[];
  /** Record documents, text columns: each record offset's length byte (bm25.ts, intToByte4). */
  readonly norms: (Uint8Array | undefined)[];
}

const markCode = existsToken.charCodeAt(0);

/** A hexadecimal digit's value (lowercase, as tokens are encoded). */
const nibble = (code: number): number => (code <= 57 ? code - 48 : code - 87);

/**
 * The longest kept prefix of a stored term (the whole term when shorter) as a small integer:
 * what a rare-term column collects per term occurrence, without making a string. Its bytes,
 * left-aligned in 8 × maxPrefixBytes bits (at most 24), their number and whether the term is
 * hex-encoded; its shorter prefixes are made when the shard is written (prefixToken).
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

/** How many bytes a prefix longestPrefix packed holds. */
export const prefixKeyBytes = (key: number): number => Math.floor(key / 0x1000000) & 3;

/** The stored token of the first `bytes` bytes of a prefix longestPrefix packed. */
export function prefixToken(key: number, bytes: number): string {
  const head = Math.floor(key / 0x1000000);
  const packed = key % 0x1000000;
  let out = head >> 2 === 1 ? existsToken : '';
  for (let i = 0; i < bytes; i++) {
    const byte = (packed >> (8 * (maxPrefixBytes - 1 - i))) & 0xff;
    out += head >> 2 === 1 ? byte.toString(16).padStart(2, '0') : String.fromCharCode(byte);
  }
  return out;
}

/**
 * Adds the documents of a term, or of a column's text (tokens separated by spaces), to their
 * longest kept prefixes; and each token once to `words` when given (a rare-term text column's
 * word list), in the same pass.
 */
function addPrefixes(into: Map<number, number[]>, text: string, locals: ArrayLike<number>, words: TermDocs | null = null): void {
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf(' ', start);
    if (end < 0) end = text.length;
    if ((end - start > 1 || text.charCodeAt(start) !== markCode) && !(end - start === gapToken.length && text.startsWith(gapToken, start))) {
      words?.addSpan(text, start, end, 0);
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

/** Plain data of a collector, for another thread (structured clone keeps Maps and typed arrays). */
export interface CollectedShard {
  readonly shard: number;
  readonly records: number;
  readonly types: [string, TypeData][];
}

interface TypeData extends Omit<TypePostings, 'columns'> {
  readonly columns: (Omit<ColumnPostings, 'terms' | 'pairs' | 'words'> & { terms: TermDocsData; pairs: PairDocsData; words: TermDocsData | null } | undefined)[];
}

const emptyType = (): TypePostings => ({ all: [], recordOf: [], columns: [], numbers: new Map(), long: [], sparse: [], paired: [], norms: [] });
const emptyColumn = (): ColumnPostings => ({ docs: 0, tokens: 0, postings: 0, terms: new TermDocs(), repeats: new Map(), prefixes: new Map(), pairs: new PairDocs(), words: null });

/**
 * One shard's postings as they are collected: `add` each record's index documents (in any order
 * of records, each record once), then `finish`. The documents may carry the filler tokens the
 * index keeps between array values (an import's) or not (the build's, derived without them).
 */
export class ShardCollector {
  readonly types: Map<string, TypePostings>;
  /** Records added. */
  records = 0;

  constructor(private readonly layout: IndexLayout, readonly shard: number) {
    this.types = new Map(layout.docTypes.map((t) => [t.path, emptyType()]));
  }

  /** The columns worth deriving: not those found too long to hold. */
  readonly keep: ColumnFilter = (type, col) => this.types.get(type)!.long[col] !== true;

  /** (term, document) pairs collected so far: what the collector's memory grows with. */
  get size(): number {
    let n = 0;
    for (const t of this.types.values()) for (const c of t.columns) if (c !== undefined) n += c.terms.pairCount;
    return n;
  }

  add(id: number, docs: readonly IndexDoc[]): void {
    const offset = id - this.shard * shardSize;
    for (const doc of docs) {
      const t = this.types.get(doc.type)!;
      let local = offset;
      if (doc.type !== '') {
        local = t.recordOf.length;
        t.recordOf.push(offset);
      }
      t.all.push(local);
      for (let col = 0; col < doc.columns.length; col++) {
        const text = doc.columns[col]!;
        if (text === '' || t.long[col] === true) continue;
        const c = (t.columns[col] ??= this.newColumn(t, doc.type, col));
        c.docs++;
        if (t.sparse[col] === true) {
          c.terms.add(existsToken, local);
          addPrefixes(c.prefixes, text, [local], c.words);
          continue;
        }
        let length = 0;
        const paired = t.paired[col] === true;
        let before = -1; // the term number of the token before, in the same value
        // Tokens are read where they sit in the text (TermDocs.addSpan), not split into strings.
        for (let start = 0; start < text.length; ) {
          let end = text.indexOf(' ', start);
          if (end < 0) end = text.length;
          const from = start;
          start = end + 1;
          const marked = text.charCodeAt(from) === markCode;
          if (marked && end - from === gapToken.length && text.startsWith(gapToken, from)) {
            before = -1; // values of an array are never one phrase
            continue;
          }
          const exists = marked && end - from === 1;
          if (!exists) length++;
          c.tokens++;
          const id = c.terms.addSpan(text, from, end, local);
          if (paired) {
            if (exists) before = -1;
            else {
              const word = id < 0 ? ~id : id;
              if (before >= 0) c.pairs.add(before, word, local);
              before = word;
            }
          }
          if (id < 0) {
            if (doc.type === '') {
              const token = c.terms.nameOf(~id);
              const again = c.repeats.get(token);
              if (again === undefined) c.repeats.set(token, [local, 2]);
              else if (again[again.length - 2] === local) again[again.length - 1]!++;
              else again.push(local, 2);
            }
            continue;
          }
          c.postings++;
        }
        if (doc.type === '' && this.layout.byPath.get('')!.tokenFields[col]!.def.type === 'text') (t.norms[col] ??= new Uint8Array(shardSize))[local] = intToByte4(length);
      }
      for (const [field, value] of doc.numbers) {
        const list = t.numbers.get(field);
        if (list === undefined) t.numbers.set(field, [value, local]);
        else list.push(value, local);
      }
    }
    this.records++;
    if (this.records === 256) this.markLong();
    if (this.records % 4096 === 0) this.markSparse();
  }

  private newColumn(t: TypePostings, type: string, col: number): ColumnPostings {
    if (this.layout.byPath.get(type)!.tokenFields[col]!.def.type === 'text' && t.paired[col] === undefined) t.paired[col] = true;
    return emptyColumn();
  }

  /**
   * The distinct words (stored tokens, in term order) of a text column of the shard: the term
   * list a wildcard, regexp or fuzzy term expands on; null for a keyword column (the term
   * dictionary lists those) or one too long to hold. Empty when no document has a value.
   */
  words(type: string, col: number): string[] | null {
    const t = this.types.get(type)!;
    if (this.layout.byPath.get(type)!.tokenFields[col]!.def.type !== 'text' || t.long[col] === true) return null;
    const c = t.columns[col];
    if (c === undefined) return [];
    const names = t.sparse[col] === true ? (c.words?.entries() ?? []).map(([name]) => name) : c.terms.entries().map(([name]) => name).filter((name) => name !== existsToken);
    return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Decides, on everything collected, which columns are too long to hold and which keep only their exists marker. */
  finish(): void {
    this.markLong();
    this.markSparse();
  }

  /**
   * Which columns keep every term, which only their exists marker (sparse), which nothing (long),
   * and of the text columns keeping every term, which keep their two-word phrases (pairs) and
   * which not (unpaired): the shard's `columns`. A column with no value in the shard is in none.
   */
  held(): Record<string, { sparse: number[]; long: number[]; pairs: number[]; unpaired: number[] }> {
    const columns: Record<string, { sparse: number[]; long: number[]; pairs: number[]; unpaired: number[] }> = {};
    for (const t of this.layout.docTypes) {
      const held = this.types.get(t.path)!;
      const entry = { sparse: [] as number[], long: [] as number[], pairs: [] as number[], unpaired: [] as number[] };
      for (const f of t.tokenFields) {
        if (held.long[f.column]) entry.long.push(f.column);
        else if (held.sparse[f.column]) entry.sparse.push(f.column);
        else if (held.paired[f.column] === true) entry.pairs.push(f.column);
        else if (held.paired[f.column] === false) entry.unpaired.push(f.column);
      }
      if (held.all.length > 0 || entry.long.length > 0 || entry.sparse.length > 0) columns[t.path] = entry;
    }
    return columns;
  }

  // Text columns too long to hold as terms: measured on the shard's first records (until then
  // every column is collected), and again on all of them at the end.
  private markLong(): void {
    for (const t of this.layout.docTypes) {
      const held = this.types.get(t.path)!;
      for (const f of t.tokenFields) {
        const c = held.columns[f.column];
        if (f.def.type === 'text' && c !== undefined && c.tokens / Math.max(1, this.records) > maxTextTokensPerRecord) held.long[f.column] = true;
        if (held.paired[f.column] === true && c !== undefined && (held.long[f.column] === true || c.tokens / Math.max(1, c.docs) > maxPairTokensPerDoc)) {
          held.paired[f.column] = false;
          c.pairs.clear();
        }
      }
    }
  }

  // Columns of mostly rare terms (names, URLs) keep only their exists marker, decided once they
  // have enough documents: collecting their terms was most of the build's work.
  private markSparse(): void {
    for (const [type, held] of this.types) {
      held.columns.forEach((c, col) => {
        if (c === undefined || held.sparse[col] || held.long[col]) return;
        const terms = c.terms.size - 1; // less the exists marker
        // Postings per term, less the exists marker's.
        if (terms > 0 && c.docs >= smallColumn && (c.postings - c.docs) / terms < minDocsPerTerm) {
          held.sparse[col] = true;
          toSparse(c, this.isText(type, col));
        }
      });
    }
  }

  /** A document type of the collector's layout. */
  layoutOf(type: string): DocType {
    return this.layout.byPath.get(type)!;
  }

  private isText(type: string, col: number): boolean {
    return this.layout.byPath.get(type)!.tokenFields[col]!.def.type === 'text';
  }

  toData(): CollectedShard {
    return {
      shard: this.shard,
      records: this.records,
      types: [...this.types].map(([path, t]) => [path, { ...t, columns: t.columns.map((c) => (c === undefined ? undefined : { ...c, terms: c.terms.toData(), pairs: c.pairs.toData(), words: c.words?.toData() ?? null })) }]),
    };
  }

  static fromData(layout: IndexLayout, data: CollectedShard): ShardCollector {
    const out = new ShardCollector(layout, data.shard);
    out.records = data.records;
    for (const [path, t] of data.types) {
      // Structured clone leaves holes of sparse arrays as they were; columns keep their index.
      const columns: (ColumnPostings | undefined)[] = [];
      t.columns.forEach((c, col) => {
        if (c !== undefined && c !== null) columns[col] = { ...c, terms: TermDocs.fromData(c.terms), pairs: PairDocs.fromData(c.pairs), words: c.words === null ? null : TermDocs.fromData(c.words) };
      });
      out.types.set(path, { ...t, columns });
    }
    return out;
  }

  /**
   * The parts of one shard collected apart (each record in one part) as one collector, as if
   * its records had been added in id order: nested entries numbered in record order again, a
   * column too long or too sparse in any part so in the whole, and both decisions taken again
   * on the whole.
   */
  static merge(layout: IndexLayout, shard: number, parts: readonly ShardCollector[]): ShardCollector {
    const out = new ShardCollector(layout, shard);
    for (const p of parts) out.records += p.records;
    for (const type of layout.docTypes) {
      const ins = parts.map((p) => p.types.get(type.path)!);
      const o = out.types.get(type.path)!;
      for (const f of type.tokenFields) {
        const col = f.column;
        if (ins.some((t) => t.paired[col] !== undefined)) o.paired[col] = ins.every((t) => t.paired[col] !== false);
        if (ins.some((t) => t.long[col] === true)) o.long[col] = true;
        else if (ins.some((t) => t.sparse[col] === true)) {
          o.sparse[col] = true;
          for (const t of ins) if (t.sparse[col] !== true && t.columns[col] !== undefined) toSparse(t.columns[col]!, f.def.type === 'text');
        }
      }
      // Each part's local numbers in the whole: the record offset for the record type, else the
      // entry's place among all entries ordered by record (and, within a record, as they came).
      let maps: (Int32Array | null)[];
      if (type.path === '') {
        maps = ins.map(() => null);
        o.all = ins.flatMap((t) => t.all).sort((a, b) => a - b);
      } else {
        const keys: number[] = [];
        ins.forEach((t, p) => t.recordOf.forEach((offset, local) => keys.push(offset, p, local)));
        const n = keys.length / 3;
        const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[3 * a]! - keys[3 * b]! || keys[3 * a + 1]! - keys[3 * b + 1]! || keys[3 * a + 2]! - keys[3 * b + 2]!);
        maps = ins.map((t) => new Int32Array(t.recordOf.length));
        o.recordOf = order.map((i, at) => {
          maps[keys[3 * i + 1]!]![keys[3 * i + 2]!] = at;
          return keys[3 * i]!;
        });
        o.all = Array.from({ length: n }, (_, i) => i);
      }
      const at = (map: Int32Array | null, local: number): number => (map === null ? local : map[local]!);
      ins.forEach((t, p) => {
        const map = maps[p]!;
        t.columns.forEach((c, col) => {
          if (c === undefined || o.long[col] === true) return;
          const m = (o.columns[col] ??= emptyColumn());
          m.docs += c.docs;
          m.tokens += c.tokens;
          m.postings += c.postings;
          for (const [token, locals] of c.terms.entries()) m.terms.addAll(token, locals, map);
          // The part's words by their numbers in the whole (every word of a phrase is a term of the column).
          if (o.paired[col] === true) for (const [a, b, locals] of c.pairs.groups()) m.pairs.addAll(m.terms.idOf(c.terms.nameOf(a)), m.terms.idOf(c.terms.nameOf(b)), locals, map);
          for (const [token, again] of c.repeats) {
            const list = m.repeats.get(token);
            const mapped = again.map((v, i) => (i % 2 === 0 ? at(map, v) : v));
            if (list === undefined) m.repeats.set(token, mapped);
            else list.push(...mapped);
          }
          if (c.words !== null) {
            m.words ??= new TermDocs();
            for (const [word] of c.words.entries()) m.words.add(word, 0);
          }
          for (const [key, locals] of c.prefixes) {
            const list = m.prefixes.get(key);
            const mapped = locals.map((v) => at(map, v));
            if (list === undefined) m.prefixes.set(key, mapped);
            else for (const v of mapped) list.push(v);
          }
        });
        t.norms.forEach((norms, col) => {
          if (norms === undefined) return;
          const m = (o.norms[col] ??= new Uint8Array(shardSize));
          for (let i = 0; i < norms.length; i++) if (norms[i] !== 0) m[i] = norms[i]!;
        });
        for (const [field, flat] of t.numbers) {
          let list = o.numbers.get(field);
          if (list === undefined) o.numbers.set(field, (list = []));
          for (let i = 0; i < flat.length; i += 2) list.push(flat[i]!, at(map, flat[i + 1]!));
        }
      });
      // Repeated terms in record order, as the build finds them.
      for (const c of o.columns) {
        if (c === undefined) continue;
        for (const again of c.repeats.values()) {
          const pairs: [number, number][] = [];
          for (let i = 0; i < again.length; i += 2) pairs.push([again[i]!, again[i + 1]!]);
          pairs.sort((a, b) => a[0] - b[0]);
          again.length = 0;
          for (const [local, times] of pairs) again.push(local, times);
        }
      }
    }
    out.finish();
    return out;
  }
}

/** Turns a column's collected terms into its exists marker and its terms' prefixes (and for a text column, its list of words). */
function toSparse(c: ColumnPostings, text: boolean): void {
  let exists: Uint32Array = new Uint32Array(0);
  if (text) c.words ??= new TermDocs();
  for (const [token, locals] of c.terms.entries()) {
    if (token === existsToken) exists = locals.slice();
    else addPrefixes(c.prefixes, token, locals, c.words);
  }
  c.terms.clear();
  c.repeats.clear();
  c.pairs.clear();
  for (const local of exists) c.terms.add(existsToken, local);
}
