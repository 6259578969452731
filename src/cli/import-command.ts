// rollcall import --data-dir DIR --dataset DATASET FILE...
import { SingleBar, Presets } from 'cli-progress';
import type { Config } from '../config/config.js';
import { datasetNames, type DatasetName } from '../datasets/datasets.js';
import { importFile } from '../ingest/import-file.js';
import { openRuntime } from '../runtime.js';
import { storeFault } from '../store/store-faults.js';
import { UsageError, type Output } from './args.js';

const maxReportedRejects = 100;

export async function importCommand(config: Config, dataset: string | undefined, files: string[], io: Output, deferIndex = false, detectChanges = true): Promise<number> {
  if (!dataset || !datasetNames.includes(dataset as DatasetName)) throw new UsageError(`--dataset must be one of ${datasetNames.join(', ')}`);
  if (files.length === 0) throw new UsageError('import needs at least one FILE (JSONL or JSONL.gz)');
  const rt = await openRuntime(config);
  let rejectedTotal = 0;
  let current = '';
  try {
    for (const file of files) {
      current = file;
      const bar = io.isTTY ? new SingleBar({ format: `${file} [{bar}] {percentage}% | {imported} records | {eta_formatted} left`, hideCursor: true }, Presets.shades_classic) : null;
      bar?.start(100, 0, { imported: 0 });
      let shown = 0;
      const report = await importFile(rt.store, rt.datasets[dataset as DatasetName], file, {
        deferIndex,
        detectChanges,
        onProgress: (read, total, imported) => bar?.update(total > 0 ? Math.floor((read / total) * 100) : 0, { imported }),
        onReject: ({ line, reason }) => {
          if (shown++ < maxReportedRejects) io.err(`${file}:${line}: rejected: ${reason}`);
        },
      });
      bar?.update(100, { imported: report.imported });
      bar?.stop();
      if (report.rejected > maxReportedRejects) io.err(`${file}: ... and ${report.rejected - maxReportedRejects} more rejected lines`);
      rejectedTotal += report.rejected;
      if (report.postingsError !== undefined) io.err(`${file}: imported, but its search postings were not built (${report.postingsError}); searches over the records it changed run the slower way until \`rollcall index\` builds them`);
      const rate = report.seconds > 0 ? Math.round(report.imported / report.seconds) : report.imported;
      io.out(`${file}: imported ${report.imported} ${dataset} records, rejected ${report.rejected}, ${report.changes} changes recorded, in ${report.seconds.toFixed(1)} s (${rate} records/s)${deferIndex ? '; search index deferred: run `rollcall index`' : ''}`);
      const p = report.postings;
      const collected = report.postingsCollected ?? 0;
      if (collected > 0) io.out(`${file}: search postings of ${collected} part${collected === 1 ? '' : 's'} collected while importing`);
      if (p !== undefined && p.shards > 0) {
        io.out(`${file}: search postings of ${p.shards} part${p.shards === 1 ? '' : 's'} built in ${p.seconds.toFixed(1)} s after the last record (included above)`);
      }
    }
  } catch (error) {
    const fault = storeFault(error);
    if (fault === null) throw error;
    // Each batch commits whole, so the store holds every batch before this one and nothing of it.
    io.err(`rollcall: import of ${current} stopped: ${fault === 'full' ? 'the disk is full (or a file size limit was reached)' : 'the database cannot be reached'} (${(error as Error).message}).`);
    io.err('Records committed before this point are kept and searchable; nothing is half-written. Fix the cause and run the same import again: records already stored are skipped as unchanged.');
    return 1;
  } finally {
    await rt.store.close();
  }
  return rejectedTotal > 0 ? 1 : 0;
}

/** rollcall index: builds the search index for records imported with --defer-index. */
export async function indexCommand(config: Config, io: Output): Promise<number> {
  // On PostgreSQL it also builds the copy of the search postings in this data dir (the copy a
  // server started on the same data dir searches).
  const rt = await openRuntime(config, undefined, { postingsCache: true });
  try {
    for (const dataset of datasetNames) {
      const started = performance.now();
      const pending = await rt.store.employees.pendingIndex(dataset);
      if (pending > 0) {
        const done = await rt.store.employees.indexPending(dataset, 2000, (n, left) => {
          if (io.isTTY) process.stderr.write(`\r${dataset}: indexed ${n}, ${left} left   `);
        });
        if (io.isTTY) process.stderr.write('\n');
        const seconds = (performance.now() - started) / 1000;
        io.out(`${dataset}: indexed ${done} records for search in ${seconds.toFixed(1)} s (${Math.round(done / Math.max(seconds, 0.001))} records/s)`);
      }
      const built = await rt.store.employees.refreshPostings?.(dataset, (n, of) => {
        if (io.isTTY) process.stderr.write(`\r${dataset}: postings of ${n}/${of} parts   `);
      });
      if (built && built.shards > 0) {
        if (io.isTTY) process.stderr.write('\n');
        io.out(`${dataset}: built the postings of ${built.shards} parts (${built.records} records) in ${built.seconds.toFixed(1)} s`);
      }
    }
    return 0;
  } finally {
    await rt.store.close();
  }
}
