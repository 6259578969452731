// Snapshots: snapshot 0 is the base dataset (June 2025); snapshot K is the same people K monthly
// steps later. At each step a person may start a new job (~3%) or leave their current one (~1%),
// decided by a PRNG seeded from (seed, person, step) so that any step of any person can be
// replayed on its own.

import { LEVEL, levelRank } from './catalog.js';
import { monthIndex, unixSeconds } from './dates.js';
import { makeJob, pickCompany } from './experience.js';
import type { Job, PersonModel } from './model.js';
import type { Pools } from './pools.js';
import { mixSeed, Prng, STREAM } from './prng.js';

/** Month of snapshot 0; snapshot step s happens s months later. */
export const BASE_SNAPSHOT_MONTH = monthIndex(2025, 6);
export const CURRENT_JOB_SHARE = 0.85;
export const NEW_JOB_RATE = 0.03;
export const LEAVE_JOB_RATE = 0.01;
/** Row numbers of jobs added at step s are STEP_JOB_SEQ + s (base jobs use 1..8). */
const STEP_JOB_SEQ = 10;

// hasCurrentJobAtBase and drawStepEvent are the single source of truth for "who changed when",
// shared by the full generator and by changedPeopleBetween.

export function hasCurrentJobAtBase(seed: number, index: number): boolean {
  return new Prng(mixSeed(seed, index, STREAM.currentJob)).next() < CURRENT_JOB_SHARE;
}

export function snapshotStepRng(seed: number, index: number, step: number): Prng {
  return new Prng(mixSeed(seed, index, STREAM.snapshotStep, step));
}

export type StepEvent = 'start' | 'leave' | null;

/** First draw of a step's PRNG: start a new job (~3%), leave the current one (~1%), or nothing. */
export function drawStepEvent(rng: Prng, hasCurrentJob: boolean): StepEvent {
  const r = rng.next();
  if (r < NEW_JOB_RATE) return 'start';
  if (r < NEW_JOB_RATE + LEAVE_JOB_RATE && hasCurrentJob) return 'leave';
  return null;
}

/** Indexes of people whose experience changed in steps fromSnapshot+1 .. toSnapshot. */
export function changedIndexes(seed: number, people: number, fromSnapshot: number, toSnapshot: number): number[] {
  const lo = Math.min(fromSnapshot, toSnapshot);
  const hi = Math.max(fromSnapshot, toSnapshot);
  const changed: number[] = [];
  for (let index = 0; index < people; index++) {
    let hasCurrent = hasCurrentJobAtBase(seed, index);
    let didChange = false;
    for (let step = 1; step <= hi; step++) {
      const event = drawStepEvent(snapshotStepRng(seed, index, step), hasCurrent);
      if (event === null) continue;
      if (step > lo) didChange = true;
      hasCurrent = event === 'start';
    }
    if (didChange) changed.push(index);
  }
  return changed;
}

/**
 * Replays steps 1..snapshot on a freshly built base model. A person untouched by a step keeps an
 * identical model, so their rendered records stay byte-identical between snapshots.
 */
export function applySnapshotSteps(model: PersonModel, pools: Pools, seed: number, snapshot: number): void {
  let hasCurrent = model.jobs.length > 0 && model.jobs[0].to === null;
  for (let step = 1; step <= snapshot; step++) {
    const rng = snapshotStepRng(seed, model.identity.index, step);
    const event = drawStepEvent(rng, hasCurrent);
    if (event === null) continue;
    const month = BASE_SNAPSHOT_MONTH + step;
    const ts = unixSeconds(month, rng.int(1, 28), rng.int(0, 86399));
    if (hasCurrent) model.jobs[0].to = month;
    if (event === 'start') model.jobs.unshift(newJobAtStep(model, pools, rng, step, month, ts));
    hasCurrent = event === 'start';
    model.updatedTs = ts;
  }
}

function newJobAtStep(model: PersonModel, pools: Pools, rng: Prng, step: number, month: number, ts: number): Job {
  const latest = model.jobs[0];
  const rank = latest === undefined ? LEVEL.specialist : Math.max(LEVEL.specialist, levelRank(latest.level));
  // A job change is often a promotion, but never straight into the C-suite.
  const level = rank < LEVEL.vp && rng.chance(0.3) ? rank + 1 : rank;
  const avoid = latest === undefined ? -1 : latest.company;
  return makeJob(
    { pools, rng, departmentIdx: model.departmentIdx, role: model.role },
    {
      seq: STEP_JOB_SEQ + step,
      company: pickCompany(pools, model.departmentIdx, rng, avoid),
      level,
      location: model.identity.location,
      from: month,
      to: null,
      createdTs: ts,
    },
  );
}
