// A search thread: its own read-only connection to records.db, running compiled queries so that a
// slow search never holds the server's event loop (collects keep flowing meanwhile).
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { layoutsOf, loadDatasets, type DatasetName } from '../../datasets/datasets.js';
import type { SearchRequest } from '../../query/ast.js';
import type { SortValues } from '../store.js';
import { SqliteSearchStore } from './sqlite-search-store.js';

export interface SearchJob {
  readonly seq: number;
  readonly dataset: DatasetName;
  readonly request: SearchRequest;
  readonly after: SortValues | null;
  readonly size: number;
  readonly withScores: boolean;
}

const { file, maxPatternTerms, bitmaps } = workerData as { file: string; maxPatternTerms?: number; bitmaps: boolean };
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('mmap_size = 4294967296');
db.pragma('cache_size = -32768');
const datasets = loadDatasets();
const store = new SqliteSearchStore(db, layoutsOf(datasets), { bitmaps, ...(maxPatternTerms !== undefined ? { maxPatternTerms } : {}) });

parentPort!.postMessage({ ready: true });

parentPort!.on('message', async (job: SearchJob) => {
  try {
    // One read transaction, so the count and the page see the same snapshot.
    db.exec('BEGIN');
    try {
      const page = await store.search(job.dataset, job.request, job.after, job.size, job.withScores);
      parentPort!.postMessage({ seq: job.seq, page: { ...page, scores: [...page.scores] } });
    } finally {
      db.exec('COMMIT');
    }
  } catch (error) {
    const e = error as Error;
    parentPort!.postMessage({ seq: job.seq, error: { name: e.name, message: e.message } });
  }
});
