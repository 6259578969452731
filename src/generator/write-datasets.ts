// Streams generated people to gzipped JSON Lines files, one per dataset, the same people in each:
//   outDir/employee.jsonl.gz               v1 "member" records
//   outDir/employee_clean.jsonl.gz         Clean records
//   outDir/employee_multi_source.jsonl.gz  Multi-source records, derived from the Clean ones
//   outDir/employee_base.jsonl.gz          Base records, derived from the v1 and Clean ones
//   outDir/company_base.jsonl.gz           the companies their experience entries name
// Lines are batched and written with backpressure, so memory stays flat even for millions of people,
// and gzip runs on libuv's thread pool in parallel with generation.

import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { constants as zlibConstants, createGzip } from 'node:zlib';
import type { Gzip } from 'node:zlib';
import { generatePeople } from './people-generator.js';
import type { GeneratorOptions } from './people-generator.js';
import { baseFromPerson } from './base-shape.js';
import { multiSourceFromClean } from './multi-source-shape.js';
import { companyBaseRecord, credentialCheckCompany } from './company-shape.js';
import { getPools } from './pools.js';
import { datasetNames, perDataset, type DatasetName } from '../datasets/datasets.js';

export interface WriteOptions extends GeneratorOptions {
  outDir: string;
  /** Called every PROGRESS_EVERY people and once at the end, with the number written so far. */
  onProgress?: (done: number) => void;
  /** zlib level 0-9; default 6. */
  gzipLevel?: number;
  /** Stops generating (the promise rejects with the signal's reason; partial files are removed by the caller). */
  signal?: AbortSignal;
}

/**
 * People generated between two turns of the event loop: a server generating its demo data in the
 * background keeps answering (and hears SIGTERM) while it does (~40 ms of work per turn).
 */
const YIELD_EVERY = 20;

export interface WriteResult {
  people: number;
  /** join(outDir, file name): absolute if outDir is. */
  files: Record<DatasetName, string>;
  /** Size on disk (compressed) of each file. */
  bytes: Record<DatasetName, number>;
}

const PROGRESS_EVERY = 1000;
/** Lines are joined into ~256 KB chunks: far fewer stream writes, still tiny memory. */
const BATCH_CHARS = 256 * 1024;

/** One gzip stream into one file, with a small line buffer in front. */
class GzipLineWriter {
  private readonly gzip: Gzip;
  private readonly file: WriteStream;
  private readonly done: Promise<void>;
  private buffer: string[] = [];
  private buffered = 0;

  constructor(readonly path: string, level: number) {
    this.gzip = createGzip({ level, chunkSize: 64 * 1024, strategy: zlibConstants.Z_DEFAULT_STRATEGY });
    this.file = createWriteStream(path);
    this.gzip.pipe(this.file);
    // Surface errors from either stream through one promise; also stops unhandled 'error' events.
    this.done = Promise.all([finished(this.gzip), finished(this.file)]).then(() => undefined);
    this.done.catch(() => undefined);
  }

  /** Queues one line; resolves once the gzip stream can take more (backpressure). */
  async writeLine(line: string): Promise<void> {
    this.buffer.push(line);
    this.buffered += line.length + 1;
    if (this.buffered >= BATCH_CHARS) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    this.gzip.end();
    await this.done;
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer.join('\n') + '\n';
    this.buffer = [];
    this.buffered = 0;
    if (!this.gzip.write(chunk)) await this.drainOrFail();
  }

  private drainOrFail(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onDrain = (): void => {
        this.gzip.off('error', onError);
        resolve();
      };
      const onError = (err: Error): void => {
        this.gzip.off('drain', onDrain);
        reject(err);
      };
      this.gzip.once('drain', onDrain);
      this.gzip.once('error', onError);
    });
  }

  /** Stops writing after a failure elsewhere; the partial file is left for the caller to remove. */
  abort(): void {
    this.gzip.destroy();
    this.file.destroy();
  }
}

type PersonDataset = Exclude<DatasetName, 'company_base'>;
const personDatasets = datasetNames.filter((d): d is PersonDataset => d !== 'company_base');

/** Each person dataset's record of one generated person. */
function recordsOf(person: { v1: Record<string, unknown>; clean: Record<string, unknown> }): Record<PersonDataset, Record<string, unknown>> {
  return {
    employee: person.v1, employee_clean: person.clean, employee_multi_source: multiSourceFromClean(person.clean), employee_base: baseFromPerson(person.v1, person.clean),
  };
}

export async function writeDatasets(options: WriteOptions): Promise<WriteResult> {
  const level = options.gzipLevel ?? 6;
  await mkdir(options.outDir, { recursive: true });
  const files = perDataset((d) => join(options.outDir, `${d}.jsonl.gz`));
  const writers = personDatasets.map((d) => [d, new GzipLineWriter(files[d], level)] as const);
  const companies = new GzipLineWriter(files.company_base, level);
  let written = 0;
  try {
    for (const person of generatePeople(options)) {
      const records = recordsOf(person);
      for (const [d, writer] of writers) await writer.writeLine(JSON.stringify(records[d]));
      written++;
      if (options.onProgress !== undefined && written % PROGRESS_EVERY === 0) options.onProgress(written);
      if (written % YIELD_EVERY === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        options.signal?.throwIfAborted();
      }
    }
    await companies.writeLine(JSON.stringify(credentialCheckCompany));
    for (const c of getPools(options.seed).companies) await companies.writeLine(JSON.stringify(companyBaseRecord(c)));
    await Promise.all([...writers.map(([, w]) => w.close()), companies.close()]);
  } catch (err) {
    for (const [, w] of writers) w.abort();
    companies.abort();
    throw err;
  }
  if (options.onProgress !== undefined && (written === 0 || written % PROGRESS_EVERY !== 0)) options.onProgress(written);
  const sizes = await Promise.all(datasetNames.map((d) => stat(files[d])));
  return { people: written, files, bytes: perDataset((d) => sizes[datasetNames.indexOf(d)]!.size) };
}
