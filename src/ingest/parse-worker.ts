// Worker thread for import: parses and validates batches of lines so the main thread only
// reads the file and writes to the store. Replies with small results; the line text stays
// on the main thread, which already has it.
import { parentPort, workerData } from 'node:worker_threads';
import { loadDatasets, type DatasetName } from '../datasets/datasets.js';
import type { TsvectorDoc } from '../search/tsvector-doc.js';
import { TermLog } from '../search/index-terms.js';
import { checkLine, type LineOptions, type LineResult } from './check-line.js';

const { dataset: name, options } = workerData as { dataset: DatasetName; options: LineOptions };
const dataset = loadDatasets()[name];

// Vocabulary entries this worker already sent: batches are written in order and an import stops
// at the first failed write, so an entry sent once is in the table when later batches commit.
// Sending each entry once spares the writing thread millions of lookups (bounded: forgetting
// only re-sends).
const maxSent = 1_000_000;
const sent = new Map<string, Set<string>>();
let sentCount = 0;

function unsent(doc: TsvectorDoc): TsvectorDoc {
  let set = sent.get(doc.type);
  if (!set) sent.set(doc.type, (set = new Set()));
  const fresh: string[] = [];
  for (const key of doc.vocabulary) {
    if (set.has(key)) continue;
    set.add(key);
    fresh.push(key);
  }
  sentCount += fresh.length;
  return { ...doc, vocabulary: fresh };
}

// The same for the embedded store's term dictionary: terms of the documents, each sent once.
const terms = new TermLog(dataset.layout);

parentPort!.on('message', (message: { seq: number; lines: string[] }) => {
  const results: LineResult[] = message.lines.map((text) => {
    const r = checkLine(dataset, text, options, terms);
    return r.ok && r.tsvectorDocs.length > 0 ? { ...r, tsvectorDocs: r.tsvectorDocs.map(unsent) } : r;
  });
  if (sentCount > maxSent) {
    sent.clear();
    sentCount = 0;
  }
  parentPort!.postMessage({ seq: message.seq, results });
});
