// Values computed from the model that both output shapes need (headline, durations), so the Clean
// and v1 records of one person can never disagree about them.

import { isDecisionMakerLevel } from './catalog.js';
import { monthIndexOfUnix, monthsBetween } from './dates.js';
import type { Job, PersonModel } from './model.js';
import type { Pools } from './pools.js';
import { generatedHeadline } from './text.js';

export interface Derived {
  /** Month the record describes; current jobs run up to and including it. */
  asOfMonth: number;
  current: Job | null;
  headline: string;
  generatedHeadline: string;
  /** duration_months of each job, same order as model.jobs. */
  jobMonths: number[];
  totalMonths: number;
  isDecisionMaker: number;
}

export function derive(model: PersonModel, pools: Pools): Derived {
  const asOfMonth = monthIndexOfUnix(model.updatedTs);
  const latest = model.jobs[0];
  const current = latest.to === null ? latest : null;
  const headline = current === null
    ? `${latest.title} | Open to new opportunities`
    : `${current.title} at ${pools.companies[current.company].name}`;
  const skillNames = model.skills.slice(0, 3).map((s) => pools.skills[s].name);
  return {
    asOfMonth,
    current,
    headline,
    generatedHeadline: generatedHeadline(current === null ? latest.title : current.title, skillNames),
    jobMonths: model.jobs.map((job) => monthsBetween(job.from, job.to ?? asOfMonth)),
    totalMonths: coveredMonths(model.jobs, asOfMonth),
    isDecisionMaker: current !== null && isDecisionMakerLevel(current.level) ? 1 : 0,
  };
}

/**
 * Months covered by at least one job. A job that ends in the month the next one starts (snapshot
 * job changes) would be counted twice by a plain sum, so ranges are merged first.
 */
function coveredMonths(jobs: readonly Job[], asOfMonth: number): number {
  const ranges = jobs.map((j) => [j.from, j.to ?? asOfMonth] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let coveredTo = -Infinity;
  for (const [from, to] of ranges) {
    const start = Math.max(from, coveredTo + 1);
    if (to >= start) total += to - start + 1;
    coveredTo = Math.max(coveredTo, to);
  }
  return total;
}
