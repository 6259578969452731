// The thread that builds a PostgreSQL node's copy of the search postings, one part at a time
// (pg-postings-build.ts), so deriving and collecting never hold the server's event loop.
import Database from 'better-sqlite3';
import pg from 'pg';
import { parentPort, workerData } from 'node:worker_threads';
import { loadDatasets, type DatasetName } from '../../datasets/datasets.js';
import { buildPgShard } from './pg-postings-build.js';

const { file, databaseUrl } = workerData as { file: string; databaseUrl: string };
const cache = new Database(file, { fileMustExist: true });
cache.pragma('busy_timeout = 60000');
const datasets = loadDatasets();
const client = new pg.Client({ connectionString: databaseUrl, application_name: 'rollcall-postings' });
const connected = client.connect();
client.on('error', () => undefined);

parentPort!.on('message', async (job: { dataset: DatasetName; shard: number }) => {
  try {
    await connected;
    parentPort!.postMessage({ built: await buildPgShard(client, cache, job.dataset, datasets[job.dataset].layout, job.shard) });
  } catch (error) {
    parentPort!.postMessage({ error: (error as Error).message });
  }
});
