// A search thread of a PostgreSQL node's copy of the postings: runs a resolved plan on the
// bitmaps (bitmap-search.ts) when the copy holds every leaf and every part is built from the
// version the database has now, and answers its page; null otherwise (the search runs in SQL).
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { datasetNames, type DatasetName } from '../../datasets/datasets.js';
import type { Plan, ScoreNode, ScoringPart } from '../../query/plan/plan.js';
import type { FieldStats } from '../../search/bm25.js';
import { BitmapScores } from '../sqlite/bitmap-scores.js';
import type { SortKey } from '../../query/ast.js';
import type { SortValues } from '../store.js';
import { BitmapPostings, HitSet, TooBroad } from '../sqlite/bitmap-search.js';

export interface CachedSearchJob {
  readonly dataset: DatasetName;
  readonly plan: Plan;
  /** Every part that has held records, and the version its postings must be built from. */
  readonly versions: readonly (readonly [number, number])[];
  readonly sort: SortKey;
  readonly after: SortValues | null;
  readonly size: number;
  /** What every hit scores (without `scoring`). */
  readonly score: number;
  /** `_score` order: the scoring clauses, their tree, and the record type's field statistics. */
  readonly scoring?: { readonly parts: readonly ScoringPart[]; readonly tree: ScoreNode; readonly stats: readonly (readonly [number, FieldStats])[] };
}

const { file } = workerData as { file: string };
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('mmap_size = 4294967296');
db.pragma('cache_size = -32768');
const searchers = new Map(datasetNames.map((d) => {
  const postings = new BitmapPostings(db, d);
  const searcher = { postings, stats: new Map<number, FieldStats>(), scores: null as unknown as BitmapScores };
  searcher.scores = new BitmapScores(postings, { stats: () => searcher.stats });
  return [d, searcher];
}));

parentPort!.postMessage({ ready: true });

parentPort!.on('message', (job: CachedSearchJob & { seq: number }) => {
  try {
    db.exec('BEGIN');
    try {
      const searcher = searchers.get(job.dataset)!;
      const p = searcher.postings;
      const state = p.state(new Map(job.versions));
      const cover = state === null ? null : BitmapPostings.coverage(job.plan, state);
      let page = null;
      if (job.scoring !== undefined) {
        searcher.stats = new Map(job.scoring.stats);
        if (cover?.fromSql === 0) page = searcher.scores.scoredPage(job.plan, job.scoring.parts, job.scoring.tree, state, job.after, job.size);
      } else if (state !== null && cover !== null && cover.runs && cover.fromSql === 0) {
        try {
          page = p.page(new HitSet(p.evaluate(job.plan, state)), state, job.sort, job.after, job.size, job.score);
        } catch (error) {
          if (!(error instanceof TooBroad)) throw error;
        }
      }
      parentPort!.postMessage({ seq: job.seq, page: page === null ? null : { ...page, scores: [...page.scores] } });
    } finally {
      db.exec('COMMIT');
    }
  } catch (error) {
    const e = error as Error;
    parentPort!.postMessage({ seq: job.seq, error: { name: e.name, message: e.message } });
  }
});
