// Import: streams a JSONL(.gz) file into the store. Each line is parsed and validated before
// anything is written; a bad line is reported with its number and reason and skipped whole.
// Good lines are upserted by id in short transactions, so a running server keeps answering.
import type { DatasetDefinition } from '../datasets/datasets.js';
import { validateRecord } from '../datasets/validate-record.js';
import type { EmployeeRow, Store } from '../store/store.js';
import { openLines } from './line-reader.js';

export interface RejectedLine {
  readonly line: number;
  readonly reason: string;
}

export interface ImportReport {
  readonly file: string;
  readonly lines: number;
  readonly imported: number;
  readonly rejected: number;
  readonly seconds: number;
}

export interface ImportOptions {
  /** Records per transaction; small enough that a server's writes never wait long. */
  readonly batchSize?: number;
  readonly onProgress?: (bytesRead: number, totalBytes: number, imported: number) => void;
  readonly onReject?: (rejected: RejectedLine) => void;
}

export function prepareLine(dataset: DatasetDefinition, text: string): EmployeeRow | RejectedLine['reason'] {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    return `invalid JSON: ${(error as Error).message}`;
  }
  const check = validateRecord(dataset.mapping, record);
  if (!check.ok) return check.reason;
  const r = record as Record<string, unknown>;
  return { id: check.id, lastUpdated: dataset.lastUpdated(r), json: text, shorthandNames: dataset.shorthandNames(r) };
}

export async function importFile(store: Store, dataset: DatasetDefinition, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 500;
  const source = openLines(file);
  let batch: EmployeeRow[] = [];
  let lines = 0;
  let imported = 0;
  let rejected = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await store.employees.upsertBatch(dataset.name, batch);
    imported += batch.length;
    batch = [];
    options.onProgress?.(source.bytesRead(), source.totalBytes, imported);
  };
  for await (const raw of source.lines()) {
    lines++;
    const text = raw.trim();
    if (text === '') continue;
    const row = prepareLine(dataset, text);
    if (typeof row === 'string') {
      rejected++;
      options.onReject?.({ line: lines, reason: row });
      continue;
    }
    batch.push(row);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return { file, lines, imported, rejected, seconds: (performance.now() - started) / 1000 };
}
