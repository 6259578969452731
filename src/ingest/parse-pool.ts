// A small pool of parse workers. Batches go round-robin; each answer is matched by sequence
// number, and callers await batches in submission order so upserts keep the file's order.
import { Worker } from 'node:worker_threads';
import type { DatasetName } from '../datasets/datasets.js';
import type { LineOptions, LineResult } from './check-line.js';
import type { CollectedShard } from '../store/postings/shard-collector.js';

interface Pending {
  resolve: (results: never) => void;
  reject: (error: Error) => void;
}

export class ParsePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private seq = 0;

  constructor(dataset: DatasetName, size: number, options: LineOptions) {
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(new URL('./parse-worker.js', import.meta.url), { workerData: { dataset, options } });
      worker.on('message', (m: { seq: number; results: never }) => {
        this.pending.get(m.seq)?.resolve(m.results);
        this.pending.delete(m.seq);
      });
      worker.on('error', (error) => this.failAll(error));
      return worker;
    });
  }

  parse(lines: string[]): Promise<LineResult[]> {
    const seq = this.seq++;
    return new Promise<LineResult[]>((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.workers[seq % this.workers.length]!.postMessage({ seq, lines });
    });
  }

  /**
   * The postings each worker collected of one shard (LineOptions.postings), after every batch
   * sent before; null when a worker stopped collecting. A worker collects nothing more of the
   * shard once asked.
   */
  async collectedShard(shard: number): Promise<CollectedShard[] | null> {
    const replies = await Promise.all(this.workers.map((worker) => {
      const seq = this.seq++;
      return new Promise<{ dropped: boolean; part: CollectedShard | null }>((resolve, reject) => {
        this.pending.set(seq, { resolve, reject });
        worker.postMessage({ seq, shard });
      });
    }));
    if (replies.some((r) => r.dropped)) return null;
    return replies.flatMap((r) => (r.part === null ? [] : [r.part]));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
