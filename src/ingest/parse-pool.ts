// A small pool of parse workers. Batches go round-robin; each answer is matched by sequence
// number, and callers await batches in submission order so upserts keep the file's order.
import { Worker } from 'node:worker_threads';
import type { DatasetName } from '../datasets/datasets.js';
import type { LineOptions, LineResult } from './check-line.js';

interface Pending {
  resolve: (results: LineResult[]) => void;
  reject: (error: Error) => void;
}

export class ParsePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private seq = 0;

  constructor(dataset: DatasetName, size: number, options: LineOptions) {
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(new URL('./parse-worker.js', import.meta.url), { workerData: { dataset, options } });
      worker.on('message', (m: { seq: number; results: LineResult[] }) => {
        this.pending.get(m.seq)?.resolve(m.results);
        this.pending.delete(m.seq);
      });
      worker.on('error', (error) => this.failAll(error));
      return worker;
    });
  }

  parse(lines: string[]): Promise<LineResult[]> {
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.workers[seq % this.workers.length]!.postMessage({ seq, lines });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
