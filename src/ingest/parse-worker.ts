// Worker thread for import: parses and validates batches of lines so the main thread only
// reads the file and writes to the store. Replies with small results; the line text stays
// on the main thread, which already has it.
import { parentPort, workerData } from 'node:worker_threads';
import { loadDatasets, type DatasetName } from '../datasets/datasets.js';
import { checkLine, type LineResult } from './check-line.js';

const { dataset: name, withIndex, withChanges } = workerData as { dataset: DatasetName; withIndex: boolean; withChanges: boolean };
const dataset = loadDatasets()[name];

parentPort!.on('message', (message: { seq: number; lines: string[] }) => {
  const results: LineResult[] = message.lines.map((text) => checkLine(dataset, text, withIndex, withChanges));
  parentPort!.postMessage({ seq: message.seq, results });
});
