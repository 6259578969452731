// Public entry point of the seeded synthetic people generator.
//
// generatePeople yields, for each of N people, the same person rendered twice: as a Clean
// Employee record and as a v1 "member" record. Output is a pure function of (seed, person index,
// snapshot): person i is identical however many people are generated, and the same options give
// byte-identical JSON on every run.

import { renderClean } from './clean-shape.js';
import { derive } from './derived.js';
import { applySnapshotSteps, changedIndexes } from './snapshots.js';
import { buildBaseModel } from './person-model.js';
import { getPools } from './pools.js';
import { renderV1 } from './v1-shape.js';

export const DEFAULT_FIRST_ID = 100000001;

export interface GeneratorOptions {
  people: number;
  seed: number;
  /** 0 = base snapshot (June 2025); K = the same people K monthly steps later. */
  snapshot: number;
  /** Id of person 0; person i gets firstId + i. Default 100000001. */
  firstId?: number;
}

export interface GeneratedPerson {
  clean: Record<string, unknown>;
  v1: Record<string, unknown>;
}

export function* generatePeople(options: GeneratorOptions): Generator<GeneratedPerson> {
  validate(options);
  const firstId = options.firstId ?? DEFAULT_FIRST_ID;
  // Built (or fetched from cache) before the first person, not per person.
  const pools = getPools(options.seed);
  for (let index = 0; index < options.people; index++) {
    const model = buildBaseModel(pools, options.seed, index, firstId);
    applySnapshotSteps(model, pools, options.seed, options.snapshot);
    const derived = derive(model, pools);
    yield { clean: renderClean(model, pools, derived), v1: renderV1(model, pools, derived) };
  }
}

/**
 * Ids of the people whose experience changed (started or left a job) between two snapshots of a
 * dataset generated with the same seed. Cheap: it replays only the per-step event draws, not the
 * profiles. `firstId` must match the one used for generation (default 100000001).
 */
export function changedPeopleBetween(
  seed: number,
  people: number,
  fromSnapshot: number,
  toSnapshot: number,
  firstId: number = DEFAULT_FIRST_ID,
): Set<number> {
  return new Set(changedIndexes(seed, people, fromSnapshot, toSnapshot).map((index) => firstId + index));
}

function validate(options: GeneratorOptions): void {
  const firstId = options.firstId ?? DEFAULT_FIRST_ID;
  const check = (name: string, value: number, ok: boolean): void => {
    if (!Number.isSafeInteger(value) || !ok) throw new RangeError(`generatePeople: invalid ${name}: ${String(value)}`);
  };
  check('seed', options.seed, true);
  check('people', options.people, options.people >= 0);
  // Rows added at snapshot step s are numbered 10 + s inside a 200-row experience block.
  check('snapshot', options.snapshot, options.snapshot >= 0 && options.snapshot <= 189);
  // Shorthand suffixes are a bijection of 32-bit ids; larger ids could collide.
  check('firstId', firstId, firstId >= 0 && firstId + options.people <= 0x100000000);
}
