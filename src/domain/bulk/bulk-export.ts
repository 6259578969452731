// The data-request job: resolve the records, write them as gzip JSON Lines part files, then
// finish — charge and mark completed in one transaction. The files are written under fresh
// names on every attempt and only the names recorded by that transaction are ever listed, so a
// crash at any point leaves no duplicates and no lost records: the next attempt starts over.
import { createHash, randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { BulkConfig } from '../../config/config.js';
import type { DatasetDefinition, DatasetName } from '../../datasets/datasets.js';
import type { FileStore } from '../../files/file-store.js';
import type { Lease } from '../../jobs/job-runner.js';
import { parseSearchRequest } from '../../query/parse-request.js';
import type { DataRequest, DataRequestFile, Finish, NewDelivery, SortValues, Store } from '../../store/store.js';
import { isoNow, type Clock } from '../../util/clock.js';
import { requestPrefix } from './data-requests.js';

export interface ExportDeps {
  readonly store: Store;
  readonly files: FileStore;
  readonly datasets: Readonly<Record<DatasetName, DatasetDefinition>>;
  readonly bulk: BulkConfig;
  /** Part files written at once (each compresses on its own libuv thread). */
  readonly parallelParts: number;
  /** Collect credits per delivered record of a dataset. */
  recordCost(dataset: DatasetName): number;
  readonly clock: Clock;
}

/** Attempts after which a request that keeps failing inside Rollcall is given up (503). */
export const maxAttempts = 5;
/**
 * Records read from the store per step. Reads run on the event loop (better-sqlite3 is
 * synchronous): 500-record steps blocked it ~19 ms each and took collect p99 from 2 to 23 ms
 * during an export; 100 raw (Buffer) records take ~1 ms.
 */
const readBatch = 100;
/**
 * The longest an export step waits for a free search thread: while searches saturate the
 * threads a `serve` export still writes 100 records every ~50 ms (~2,000 a second), and runs at
 * full speed the moment a thread is free.
 */
const exportStepBackMs = 50;
const newline = Buffer.from('\n');

type Resolved = { readonly ids: number[] } | { readonly tooMany: number };

async function resolveIds(deps: ExportDeps, request: DataRequest, lease: Lease): Promise<Resolved> {
  const want = request.limit ?? deps.bulk.maxRecords;
  const input = JSON.parse(request.input) as unknown;
  if (request.kind === 'ids') {
    const ids = input as number[];
    const found: number[] = [];
    for (let i = 0; i < ids.length && found.length < want; i += readBatch) {
      const slice = ids.slice(i, i + readBatch);
      const json = await deps.store.employees.getManyJson(request.dataset, slice);
      slice.forEach((id, j) => json[j] !== null && found.push(id));
      await lease.keep();
    }
    return { ids: found.slice(0, want) };
  }
  if (request.kind === 'shorthand_names' || request.kind === 'urls') {
    const ids = await deps.store.employees.idsByShorthand(request.dataset, input as string[]);
    // Two names of one person deliver that person once.
    return { ids: [...new Set(ids.filter((id): id is number => id !== null))].slice(0, want) };
  }
  const search = parseSearchRequest(input, { mapping: deps.datasets[request.dataset].mapping, now: deps.clock.now() });
  const ids: number[] = [];
  let after: SortValues | null = null;
  for (;;) {
    const page = await deps.store.search.search(request.dataset, search, after, Math.min(10_000, want - ids.length));
    if (request.limit === null && page.total > deps.bulk.maxRecords) return { tooMany: page.total };
    ids.push(...page.ids);
    if (ids.length >= want || page.ids.length === 0 || ids.length >= page.total) return { ids: ids.slice(0, want) };
    after = page.values[page.values.length - 1]!;
    await lease.keep();
  }
}

/**
 * Query results are delivered in id order: the query's order decides which records a `limit`
 * keeps, but reading them by id walks the table's pages in order — at 1M records reading in the
 * default (last_updated) order read 23 GB from disk for 8.7 GB of records and ran at 0.57 of
 * plain gzip. Listed ids and names keep the order they were given in.
 */
function deliveryOrder(request: DataRequest, ids: number[]): number[] {
  return request.kind === 'es_dsl' || request.kind === 'filter' ? ids.sort((a, b) => a - b) : ids;
}

function partName(index: number, runId: string): string {
  return `json/part-${String(index).padStart(5, '0')}-${runId}-c000.json.gz`;
}

/** Writes one part: records as JSON Lines through gzip, hashed on the way for the ETag. */
async function writePart(deps: ExportDeps, request: DataRequest, ids: readonly number[], name: string, lease: Lease): Promise<DataRequestFile | null> {
  const pending = await deps.files.create(`${requestPrefix(request.id)}/${name}`);
  const hash = createHash('sha256');
  let bytes = 0;
  let records = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const gzip = createGzip();
  const writing = pipeline(gzip, tap, pending.stream);
  // The next step's records are read while this step's are compressed: a store that keeps
  // records compressed inflates them on the thread pool, beside the part's gzip.
  const read = (i: number): Promise<(Buffer | null)[]> | null => {
    if (i >= ids.length) return null;
    const records = deps.store.employees.getManyRaw(request.dataset, ids.slice(i, i + readBatch));
    records.catch(() => undefined); // awaited (and its error thrown) at its step
    return records;
  };
  let ahead = read(0);
  try {
    for (let i = 0; i < ids.length; i += readBatch) {
      await lease.keep();
      // A macrotask turn between steps: awaiting promises alone never lets pending requests'
      // I/O in, so without it an export's steps run back to back while collects wait.
      await new Promise((r) => setImmediate(r));
      // While searches keep every search thread busy, the export steps back (up to a bound a
      // step) instead of taking the cores they wait for: it has no client waiting on each step.
      await deps.store.search.whenFree?.(exportStepBackMs);
      const raw = await ahead!;
      ahead = read(i + readBatch);
      const lines: Buffer[] = [];
      for (const r of raw) if (r !== null) lines.push(r, newline);
      records += lines.length / 2;
      if (lines.length > 0 && !gzip.write(Buffer.concat(lines))) await new Promise((r) => gzip.once('drain', r));
    }
    gzip.end();
    await writing;
    if (records === 0) {
      await pending.abort();
      return null;
    }
    await pending.commit();
  } catch (error) {
    gzip.destroy();
    await writing.catch(() => undefined);
    await pending.abort();
    throw error;
  }
  return { name, bytes, records, etag: `"${hash.digest('hex').slice(0, 32)}"` };
}

async function writeParts(deps: ExportDeps, request: DataRequest, ids: readonly number[], lease: Lease): Promise<DataRequestFile[]> {
  const runId = randomUUID();
  const parts: number[][] = [];
  for (let i = 0; i < ids.length; i += deps.bulk.partRecords) parts.push(ids.slice(i, i + deps.bulk.partRecords) as number[]);
  const written: (DataRequestFile | null)[] = new Array(parts.length).fill(null);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < parts.length) {
      const k = next++;
      written[k] = await writePart(deps, request, parts[k]!, partName(k, runId), lease);
      if (deps.bulk.partPauseMs > 0) await new Promise((r) => setTimeout(r, deps.bulk.partPauseMs));
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, deps.parallelParts), parts.length) }, lane));
  return written.filter((f): f is DataRequestFile => f !== null);
}

function webhookFor(request: DataRequest, outcome: Finish, detail: string | null): NewDelivery | null {
  if (!request.webhookUrl) return null;
  const body = {
    request_id: request.id,
    status: outcome.state === 'failed' ? 'failed' : 'completed',
    data_request_files: outcome.state === 'completed' ? outcome.files.map((f) => f.name) : [],
    detail,
  };
  return { id: randomUUID(), keyId: request.keyId, url: request.webhookUrl, body: JSON.stringify(body), topic: 'data_request', ref: request.id };
}

async function finish(deps: ExportDeps, request: DataRequest, owner: string, outcome: Finish, detail: string | null): Promise<string> {
  return deps.store.dataRequests.finish(request.id, owner, outcome, webhookFor(request, outcome, detail), isoNow(deps.clock));
}

const insufficient = { state: 'failed', status: 402, detail: 'Insufficient credits' } as const;

/** Runs one claimed data request to its end (or throws, leaving it to be retried). */
export async function runDataRequest(deps: ExportDeps, request: DataRequest, owner: string, lease: Lease): Promise<void> {
  const prefix = requestPrefix(request.id);
  if (request.attempts > maxAttempts) {
    await deps.files.removeAll(prefix);
    await finish(deps, request, owner, { state: 'failed', status: 503, detail: 'Data request failed' }, 'Data request failed');
    return;
  }
  const resolved = await resolveIds(deps, request, lease);
  if ('tooMany' in resolved) {
    const detail = `Request matched too many IDs. Maximum is ${deps.bulk.maxRecords.toLocaleString('en-US')} IDs`;
    await finish(deps, request, owner, { state: 'failed', status: 422, detail }, detail);
    return;
  }
  if (resolved.ids.length === 0) {
    await finish(deps, request, owner, { state: 'empty' }, 'No matching IDs found');
    return;
  }
  const cost = deps.recordCost(request.dataset);
  // Checked before writing, so a request the key cannot pay for costs no work; the charge that
  // counts is the one in finish(), atomic with the decision to deliver.
  if ((await deps.store.credits.balance(request.keyId, 'collect')) < resolved.ids.length * cost) {
    await finish(deps, request, owner, insufficient, insufficient.detail);
    return;
  }
  await deps.files.removeAll(prefix); // leftovers of an attempt that crashed
  const files = await writeParts(deps, request, deliveryOrder(request, resolved.ids), lease);
  await lease.keep();
  const records = files.reduce((n, f) => n + f.records, 0);
  const outcome: Finish = records === 0
    ? { state: 'empty' }
    : { state: 'completed', files, records, charge: { pool: 'collect', amount: records * cost, reason: 'bulk_collect' } };
  const result = await finish(deps, request, owner, outcome, records === 0 ? 'No matching IDs found' : null);
  if (result === 'insufficient_credits') {
    await deps.files.removeAll(prefix);
    await finish(deps, request, owner, insufficient, insufficient.detail);
  } else if (result === 'lease_lost') {
    // Another worker owns the request now; its attempt writes its own files under new names.
    await Promise.all(files.map((f) => deps.files.removeAll(`${prefix}/${f.name}`)));
  }
}
