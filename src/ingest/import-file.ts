// Import: streams a JSONL(.gz) file into the store. Each line is parsed and validated before
// anything is written; a bad line is reported with its number and reason and skipped whole.
// Good lines are upserted by id in short transactions, so a running server keeps answering.
//
// Throughput: gunzip runs on libuv's thread pool, parse + validate on worker threads (ParsePool),
// and the main thread only splits lines and writes. At most `2 x workers` batches are in flight,
// so memory stays flat whatever the file size.
import { availableParallelism } from 'node:os';
import type { DatasetDefinition } from '../datasets/datasets.js';
import type { EmployeeRow, PostingsReport, Store } from '../store/store.js';
import { checkLine, type LineOptions, type LineResult } from './check-line.js';
import { openLines } from './line-reader.js';
import { ParsePool } from './parse-pool.js';
import { TermLog } from '../search/index-terms.js';
import { shardOf, type CollectedShard } from '../store/postings/shard-collector.js';

/** Lines a dataset's record dictionary is made of: the first of its first import (stored-record.ts keeps their last 32 KB). */
const dictionarySamples = 64;

export interface RejectedLine {
  readonly line: number;
  readonly reason: string;
}

export interface ImportReport {
  readonly file: string;
  readonly lines: number;
  readonly imported: number;
  readonly rejected: number;
  /** Changes recorded for subscribers (new records, started/closed positions, changed fields). */
  readonly changes: number;
  readonly seconds: number;
  /**
   * Why the search postings of the parts this import changed were not built, if they were not
   * (searches over those parts run the slower way, exactly, until `rollcall index` builds them).
   */
  readonly postingsError?: string;
  /** The search postings built for the parts this import changed (stores that keep them). */
  readonly postings?: PostingsReport;
  /** Of the parts this import changed, those whose postings were written from what the parse workers collected (not built from their records afterwards). */
  readonly postingsCollected?: number;
}

export interface ImportOptions {
  /**
   * Records per transaction. Only imports write records.db (the server writes control.db), so
   * large transactions block nobody; they let the search index build fewer, larger segments.
   */
  readonly batchSize?: number;
  /** Parse worker threads; 0 parses on the calling thread. Default: one per core, at most 3. */
  readonly workers?: number;
  /**
   * Bulk-load mode: store the records now and queue them for the search index, which
   * `store.employees.indexPending` (the `rollcall index` command) builds later. Until then
   * collect sees the new records and search does not.
   */
  readonly deferIndex?: boolean;
  /**
   * Compare each record with its stored version and record changes for subscribers (default).
   * Off, the import records no changes; later imports compare with what it stored.
   */
  readonly detectChanges?: boolean;
  readonly onProgress?: (bytesRead: number, totalBytes: number, imported: number) => void;
  /** Stops reading when aborted; the batches already read are still written whole. */
  readonly signal?: AbortSignal;
  readonly onReject?: (rejected: RejectedLine) => void;
}

interface Batch {
  readonly firstLine: number;
  readonly lines: string[];
  readonly lineNumbers: number[];
  readonly results: Promise<LineResult[]>;
}

export async function importFile(store: Store, dataset: DatasetDefinition, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 2000;
  const source = openLines(file);
  const workers = options.workers ?? Math.max(1, Math.min(3, availableParallelism()));
  // Small files are parsed inline: starting workers costs more than it saves below ~1 MB.
  const withChanges = options.detectChanges ?? true;
  const indexForm = store.employees.indexForm;
  // PostgreSQL writes the index rows even in bulk-load mode (it defers the indexes over them).
  const deriveDocs = !options.deferIndex || indexForm === 'tsvector';
  let lineOptions: LineOptions = { withIndex: deriveDocs, withChanges, indexForm, recordForm: store.employees.recordForm };
  let pool = null as ParsePool | null;
  let begun = false;
  /** Before the first batch: the dictionary records are compressed with (made from the file's first lines if the dataset has none), then the workers. */
  const begin = async (first: readonly string[]): Promise<void> => {
    begun = true;
    if (lineOptions.recordForm === 'compressed' && store.employees.recordDictionary) {
      lineOptions = { ...lineOptions, dictionary: await store.employees.recordDictionary(dataset.name, first.slice(0, dictionarySamples)) };
    }
    const pooled = workers > 0 && source.totalBytes > 1 << 20;
    // The embedded store's postings of the parts this import fills: collected by the parse
    // workers from the documents they derive, instead of derived again from the stored records.
    if (pooled && lineOptions.withIndex && !options.deferIndex && store.employees.writeCollectedPostings && store.employees.postingsShardsInUse) {
      lineOptions = { ...lineOptions, postings: { skip: await store.employees.postingsShardsInUse(dataset.name) } };
    }
    pool = pooled ? new ParsePool(dataset.name, workers, lineOptions) : null;
  };
  const maxInFlight = Math.max(1, workers * 2);
  const inlineTerms = new TermLog(dataset.layout);
  const inFlight: Batch[] = [];
  let lines = 0;
  let imported = 0;
  let changes = 0;
  let rejected = 0;
  let postingsError: string | undefined;
  let postings: PostingsReport | undefined;
  let current: { lines: string[]; lineNumbers: number[] } = { lines: [], lineNumbers: [] };
  // Collected postings: the batch (in writing order) that last held a record of each part, the
  // parts asked for, and their answers waiting to be written between two batches.
  let written = 0;
  const lastBatchOf = new Map<number, number>();
  const asked = new Set<number>();
  const answered: { shard: number; parts: CollectedShard[] | null }[] = [];
  const answers: Promise<void>[] = [];
  let postingsCollected = 0;
  const ask = (shard: number): void => {
    asked.add(shard);
    answers.push(pool!.collectedShard(shard).then((parts) => void answered.push({ shard, parts }), () => void answered.push({ shard, parts: null })));
  };
  const writeAnswered = async (): Promise<void> => {
    for (let a = answered.shift(); a !== undefined; a = answered.shift()) {
      // Not written (or failed): the refresh at the end builds the part from its records.
      if (a.parts !== null && await store.employees.writeCollectedPostings!(dataset.name, a.shard, a.parts).catch(() => false)) postingsCollected++;
    }
  };

  const submit = async (): Promise<void> => {
    if (current.lines.length === 0) return;
    if (!begun) await begin(current.lines);
    const { lines: texts, lineNumbers } = current;
    const results = pool ? pool.parse(texts) : Promise.resolve(texts.map((t) => checkLine(dataset, t, lineOptions, inlineTerms)));
    inFlight.push({ firstLine: lineNumbers[0]!, lines: texts, lineNumbers, results });
    current = { lines: [], lineNumbers: [] };
  };
  // Writes overlap by one batch: the store commits them in order (PostgreSQL writes the next
  // while it commits this one; SQLite writes synchronously, so nothing changes there).
  const writing: Promise<void>[] = [];
  const maxWriting = 2;
  const writeOldest = async (): Promise<void> => {
    const batch = inFlight.shift()!;
    const results = await batch.results;
    const rows: EmployeeRow[] = [];
    results.forEach((r, i) => {
      if (r.ok) rows.push({ id: r.id, lastUpdated: r.lastUpdated, json: batch.lines[i]!, stored: r.stored, shorthandNames: r.shorthandNames, index: r.index, terms: r.terms, tsvectorDocs: r.tsvectorDocs, detectChanges: r.detectChanges });
      else {
        rejected++;
        options.onReject?.({ line: batch.lineNumbers[i]!, reason: r.reason });
      }
    });
    if (rows.length === 0) return;
    const write = store.employees.upsertBatch(dataset.name, rows, { deferIndex: options.deferIndex ?? false }).then((r) => {
      changes += r.changes;
      imported += rows.length;
      options.onProgress?.(source.bytesRead(), source.totalBytes, imported);
    });
    write.catch(() => undefined); // awaited below, in order
    writing.push(write);
    if (writing.length >= maxWriting) await writing.shift();
    if (lineOptions.postings) await collectedParts(rows);
  };
  // A part no batch has held for `closeAfter` batches is asked for (sorted files fill their parts
  // one after another); its answer comes once the workers have parsed what they were sent before,
  // and is written between two batches, once every batch before it is committed.
  const closeAfter = 8;
  const collectedParts = async (rows: readonly EmployeeRow[]): Promise<void> => {
    written++;
    for (const row of rows) lastBatchOf.set(shardOf(row.id), written);
    for (const [shard, last] of lastBatchOf) {
      if (written - last < closeAfter || asked.has(shard)) continue;
      lastBatchOf.delete(shard);
      ask(shard);
    }
    if (answered.length > 0) {
      while (writing.length > 0) await writing.shift();
      await writeAnswered();
    }
  };

  try {
    for await (const raw of source.lines()) {
      if (options.signal?.aborted) break;
      lines++;
      const text = raw.trim();
      if (text === '') continue;
      current.lines.push(text);
      current.lineNumbers.push(lines);
      if (current.lines.length >= batchSize) {
        await submit();
        if (inFlight.length >= maxInFlight) await writeOldest();
      }
    }
    await submit();
    while (inFlight.length > 0) await writeOldest();
    while (writing.length > 0) await writing.shift();
    if (lineOptions.postings && !options.signal?.aborted) {
      for (const shard of lastBatchOf.keys()) if (!asked.has(shard)) ask(shard);
      await Promise.all(answers);
      await writeAnswered();
    }
    // The parts of the index this import changed get their postings built again. The records
    // are committed whatever happens here: a failed build only leaves those parts searched the
    // slower way (exactly) until the next import or `rollcall index`.
    if (!options.signal?.aborted && store.employees.refreshPostings) {
      try {
        postings = await store.employees.refreshPostings(dataset.name);
      } catch (error) {
        postingsError = (error as Error).message;
      }
    }
  } finally {
    await Promise.allSettled(writing);
    await pool?.close();
  }
  return {
    file, lines, imported, rejected, changes, seconds: (performance.now() - started) / 1000,
    ...(postingsError !== undefined ? { postingsError } : {}), ...(postings !== undefined ? { postings } : {}), ...(lineOptions.postings ? { postingsCollected } : {}),
  };
}
