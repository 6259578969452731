// Assembles the base-snapshot model of person i from their own PRNG streams and the shared pools.

import { levelRank } from './catalog.js';
import { monthIndexOfUnix } from './dates.js';
import { DEPARTMENTS } from './departments.js';
import { buildCareer, drawCareerYears } from './experience.js';
import { COUNTRIES } from './geo.js';
import { buildIdentity } from './identity.js';
import type { PersonModel } from './model.js';
import type { Pools } from './pools.js';
import { mixSeed, Prng, STREAM } from './prng.js';
import {
  buildActivity, buildAwards, buildCertifications, buildCourses, buildEducation, buildLanguages, buildOrganizations,
  buildPatents, buildPublications, buildRecommendations,
} from './sections.js';
import type { SectionContext } from './sections.js';
import { hasCurrentJobAtBase } from './snapshots.js';
import { buildSummary } from './text.js';
import { buildV1Extras } from './v1-sections.js';

/** Base-snapshot records were last refreshed between these instants (the snapshot is June 2025). */
const UPDATED_FROM = Date.UTC(2024, 0, 1) / 1000;
const UPDATED_TO = Date.UTC(2025, 5, 28) / 1000;
/** v1 `created`: when the profile was first collected, at least two months before last_updated. */
const CREATED_FROM = Date.UTC(2015, 0, 1) / 1000;
const MIN_CREATED_GAP = 60 * 86400;

const URN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'.split('');

export function buildBaseModel(pools: Pools, seed: number, index: number, firstId: number): PersonModel {
  const identity = buildIdentity(pools, seed, index, firstId);
  const rng = new Prng(mixSeed(seed, index, STREAM.profile));
  const departmentIdx = pools.departmentIndex.draw(rng);
  const role = rng.pick(DEPARTMENTS[departmentIdx].roles);
  const updatedTs = UPDATED_FROM + Math.floor(rng.next() * (UPDATED_TO - UPDATED_FROM));
  const createdTs = CREATED_FROM + Math.floor(rng.next() * (updatedTs - MIN_CREATED_GAP - CREATED_FROM));
  const asOfMonth = monthIndexOfUnix(updatedTs);
  const careerYears = drawCareerYears(rng);
  const hasCurrentJob = hasCurrentJobAtBase(seed, index);
  const jobs = buildCareer({ pools, rng, identity, departmentIdx, role, asOfMonth, hasCurrentJob, createdTs }, careerYears);
  const ctx: SectionContext = {
    pools, rng, seed, firstId, identity, departmentIdx, careerStart: jobs[jobs.length - 1].from, asOfMonth, jobs,
  };
  const skills = pickSkills(pools, rng, departmentIdx);
  const connectionsCount = rng.chance(0.45) ? 500 : Math.floor(20 + Math.pow(rng.next(), 1.5) * 480);
  const seniority = 1 + levelRank(jobs[0].level) / 2;
  const education = buildEducation(ctx);
  const activity = buildActivity(ctx);
  return {
    identity,
    departmentIdx,
    role,
    pictureUrl: rng.chance(0.8) ? `https://media.example.com/profile/${identity.shorthand}.jpg` : null,
    publicProfileId: `ACoAA${Array.from({ length: 22 }, () => rng.pick(URN_CHARS)).join('')}`,
    summary: rng.chance(0.88)
      ? buildSummary({
          pools, rng, departmentIdx, careerYears,
          skills: skills.map((s) => pools.skills[s].name),
          industry: pools.companies[jobs[0].company].industry,
          city: COUNTRIES[identity.countryIdx].cities[identity.cityIdx][0],
        })
      : null,
    skills,
    followerCount: connectionsCount + Math.floor(Math.pow(rng.next(), 2) * 3000 * seniority),
    connectionsCount,
    createdTs,
    updatedTs,
    jobs,
    education,
    certifications: buildCertifications(ctx),
    languages: buildLanguages(ctx),
    recommendations: buildRecommendations(ctx),
    courses: buildCourses(ctx, education),
    awards: buildAwards(ctx),
    activity,
    organizations: buildOrganizations(ctx),
    publications: buildPublications(ctx),
    patents: buildPatents(ctx),
    v1: buildV1Extras(ctx, activity),
  };
}

/** 3-15 distinct skills, mostly from the department, listed most relevant first. */
function pickSkills(pools: Pools, rng: Prng, departmentIdx: number): number[] {
  const count = rng.int(3, 15);
  const chosen = new Set<number>();
  const ownSkills = pools.departmentSkills[departmentIdx];
  for (let attempt = 0; chosen.size < count && attempt < count * 6; attempt++) {
    chosen.add(rng.chance(0.7) ? rng.pick(ownSkills) : rng.pick(pools.genericSkills));
  }
  return [...chosen];
}
