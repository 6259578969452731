// A thread that builds the bitmap postings of the shards it is sent (postings.ts), with its own
// connection to records.db, so a store's shards build on every core, or one shard while an import
// goes on writing.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { loadDatasets, type DatasetName } from '../../datasets/datasets.js';
import { buildShard } from './postings.js';

const { file, dataset } = workerData as { file: string; dataset: DatasetName };
const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = 60000');
db.pragma('mmap_size = 4294967296');
const layout = loadDatasets()[dataset].layout;

// A shard alone (buildShardAside) comes with a gate: having collected, the thread says so and
// waits until the sender lets it write.
parentPort!.on('message', (message: number | { shard: number; gate: SharedArrayBuffer }) => {
  const shard = typeof message === 'number' ? message : message.shard;
  const gate = typeof message === 'number' ? null : new Int32Array(message.gate);
  const waitForTurn = gate === null ? undefined : (): void => {
    parentPort!.postMessage({ writing: true });
    Atomics.wait(gate, 0, 0);
  };
  try {
    parentPort!.postMessage({ records: buildShard(db, dataset, layout, shard, waitForTurn) });
  } catch (error) {
    parentPort!.postMessage({ error: (error as Error).message });
  }
});
