// Worker thread for import: parses and validates batches of lines so the main thread only
// reads the file and writes to the store. Replies with small results; the line text stays
// on the main thread, which already has it.
import { parentPort, workerData } from 'node:worker_threads';
import { loadDatasets, type DatasetName } from '../datasets/datasets.js';
import type { TsvectorDoc } from '../search/tsvector-doc.js';
import { TermLog } from '../search/index-terms.js';
import { checkLine, type LineOptions, type LineResult } from './check-line.js';
import { ShardCollector, shardOf } from '../store/postings/shard-collector.js';

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

// The embedded store's postings of the records parsed here, per shard, until the importing
// thread asks for a shard's (postings.ts, writeCollectedShard). Memory grows with the pairs
// held: past `maxPairs` the worker drops them all and collects no more (those shards are then
// built from their records, as without collecting).
const maxPairs = 120_000_000;
const collectors = new Map<number, ShardCollector>();
const skip = new Set(options.postings?.skip ?? []);
let collecting = options.postings !== undefined;
let added = 0;

function collect(r: LineResult): void {
  if (!r.ok || r.index.length === 0) return;
  const s = shardOf(r.id);
  if (skip.has(s)) return;
  let c = collectors.get(s);
  if (c === undefined) collectors.set(s, (c = new ShardCollector(dataset.layout, s)));
  c.add(r.id, r.index);
  if (++added % 1024 === 0 && [...collectors.values()].reduce((n, x) => n + x.size, 0) > maxPairs) {
    collecting = false;
    collectors.clear();
  }
}

type Message = { seq: number; lines: string[] } | { seq: number; shard: number };

parentPort!.on('message', (message: Message) => {
  if ('shard' in message) {
    // Asked for once per shard: afterwards this worker collects nothing more of it.
    const c = collectors.get(message.shard);
    collectors.delete(message.shard);
    skip.add(message.shard);
    parentPort!.postMessage({ seq: message.seq, results: { dropped: !collecting, part: collecting && c !== undefined ? c.toData() : null } });
    return;
  }
  const results: LineResult[] = message.lines.map((text) => {
    const r = checkLine(dataset, text, options, terms);
    if (collecting) collect(r);
    return r.ok && r.tsvectorDocs.length > 0 ? { ...r, tsvectorDocs: r.tsvectorDocs.map(unsent) } : r;
  });
  if (sentCount > maxSent) {
    sent.clear();
    sentCount = 0;
  }
  parentPort!.postMessage({ seq: message.seq, results });
});
