// A thread that builds the bitmap postings of the shards it is sent (postings.ts), with its own
// connection to records.db, so a store's shards build on every core.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { loadDatasets, type DatasetName } from '../../datasets/datasets.js';
import { buildShard } from './postings.js';

const { file, dataset } = workerData as { file: string; dataset: DatasetName };
const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = 60000');
db.pragma('mmap_size = 4294967296');
const layout = loadDatasets()[dataset].layout;

parentPort!.on('message', (shard: number) => {
  try {
    parentPort!.postMessage({ records: buildShard(db, dataset, layout, shard) });
  } catch (error) {
    parentPort!.postMessage({ error: (error as Error).message });
  }
});
