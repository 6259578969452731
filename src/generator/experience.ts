// Careers: the base-snapshot experience timeline of a person. Invariants kept here and in
// snapshots.ts (and checked by the tests):
//   - jobs are newest first and do not overlap (a job may end in the month the next one starts,
//     which is how snapshot job changes are recorded);
//   - at most one job is current (`to === null`), and only the newest one;
//   - no job starts after the person's record date.

import { COMPANY_SIZE_RANK_STARTS, INDUSTRIES, LEVEL } from './catalog.js';
import { COMPANY_COUNT } from './companies.js';
import { yearOf } from './dates.js';
import { DEPARTMENTS } from './departments.js';
import type { Department } from './departments.js';
import { COUNTRIES, formatLocation } from './geo.js';
import type { Identity, Job } from './model.js';
import type { Pools } from './pools.js';
import type { Prng } from './prng.js';

/** Companies from this popularity rank on have at most 200 employees. */
const SMALL_COMPANY_RANK = COMPANY_SIZE_RANK_STARTS[5];

/** Allowed employer industries per department (null = any), as industry indexes. */
const DEPARTMENT_INDUSTRIES: readonly (readonly number[] | null)[] = DEPARTMENTS.map((d) =>
  d.industries === undefined ? null : d.industries.map((name) => INDUSTRIES.findIndex((i) => i.name === name)),
);

export interface CareerInput {
  pools: Pools;
  rng: Prng;
  identity: Identity;
  departmentIdx: number;
  role: string;
  /** Month the record describes (its last_updated month). */
  asOfMonth: number;
  hasCurrentJob: boolean;
  createdTs: number;
}

/** Years of experience, 1..31, peaking around 8-12 with fewer very short or very long careers. */
export function drawCareerYears(rng: Prng): number {
  const bell = (rng.next() + rng.next()) / 2;
  return 1 + Math.floor(Math.pow(bell, 1.4) * 31);
}

/**
 * Number of jobs: grows with the square root of the career length (1-2 early on, typically 2-4
 * later), plus an occasional job-hopper, for a mean of about 2.6 and a thin tail up to 8.
 */
function drawJobCount(rng: Prng, careerYears: number): number {
  let count = 1 + Math.floor(Math.sqrt(careerYears) * rng.next() * 1.1);
  if (careerYears >= 5 && rng.chance(0.08)) count += rng.int(1, 4);
  return Math.min(8, count);
}

export function buildCareer(input: CareerInput, careerYears: number): Job[] {
  const { rng, asOfMonth } = input;
  const end = input.hasCurrentJob ? asOfMonth : asOfMonth - rng.int(1, 18);
  const start = Math.min(asOfMonth - careerYears * 12 - rng.int(0, 11), end - 2);
  const span = end - start + 1;
  const count = Math.max(1, Math.min(drawJobCount(rng, careerYears), Math.floor(span / 2)));
  const ranges = splitTimeline(rng, start, span, count);
  const levels = careerLevels(rng, input.departmentIdx, careerYears, count, ranges[0][1] - ranges[0][0] + 1);
  const jobs: Job[] = [];
  let previousCompany = -1;
  for (let k = 0; k < count; k++) {
    const isNewest = k === count - 1;
    const endYear = yearOf(ranges[k][1]);
    const company = previousCompany >= 0 && rng.chance(0.15) && foundedBy(input.pools, previousCompany, endYear)
      ? previousCompany
      : pickEmployer(input, levels[k], endYear);
    previousCompany = company;
    jobs.push(makeJob(input, {
      seq: count - k,
      company,
      level: levels[k],
      location: isNewest ? input.identity.location : jobLocation(input, rng),
      from: ranges[k][0],
      to: isNewest && input.hasCurrentJob ? null : ranges[k][1],
      createdTs: input.createdTs,
    }));
  }
  return jobs.reverse();
}

/**
 * Cuts [start, start+span) into `count` consecutive [from, to] month ranges (oldest first) with
 * short gaps between jobs; the last range ends exactly at the end of the span.
 */
function splitTimeline(rng: Prng, start: number, span: number, count: number): [number, number][] {
  const gaps: number[] = [];
  let gapTotal = 0;
  for (let k = 0; k < count - 1; k++) {
    const gap = rng.chance(0.5) ? 0 : rng.int(1, 4);
    gaps.push(gap);
    gapTotal += gap;
  }
  if (span - gapTotal < count) {
    gaps.fill(0);
    gapTotal = 0;
  }
  const spare = span - gapTotal - count;
  const weights = Array.from({ length: count }, () => 0.4 + rng.next());
  const weightTotal = weights.reduce((a, b) => a + b, 0);
  const lengths = weights.map((w) => 1 + Math.floor((spare * w) / weightTotal));
  lengths[count - 1] += span - gapTotal - lengths.reduce((a, b) => a + b, 0);
  const ranges: [number, number][] = [];
  let cursor = start;
  for (let k = 0; k < count; k++) {
    ranges.push([cursor, cursor + lengths[k] - 1]);
    cursor += lengths[k] + (gaps[k] ?? 0);
  }
  return ranges;
}

/** Management level of each job, oldest first, climbing from the entry level to a career peak. */
function careerLevels(rng: Prng, departmentIdx: number, years: number, count: number, firstJobMonths: number): number[] {
  const peak = peakLevel(rng, years);
  const entry = firstJobMonths <= 8 && rng.chance(0.35) ? LEVEL.intern : Math.min(LEVEL.specialist, peak);
  const levels: number[] = [];
  for (let k = 0; k < count; k++) {
    levels.push(count === 1 ? peak : Math.round(entry + ((peak - entry) * k) / (count - 1)));
  }
  levels[count - 1] = offLadderLevel(rng, departmentIdx, levels[count - 1]);
  return levels;
}

/**
 * Highest level reached, by career length. Most people never manage anyone, so even long careers
 * peak at Senior or Manager more often than at Director and above (like the real level mix).
 */
const PEAK_LEVEL_WEIGHTS: readonly (readonly [maxYears: number, weights: readonly number[]])[] = [
  //        Intern Spec Senior Mgr Head Dir  VP  C-Level
  [2, [0, 100, 0, 0, 0, 0, 0, 0]],
  [5, [0, 75, 25, 0, 0, 0, 0, 0]],
  [10, [0, 42, 36, 17, 3, 2, 0, 0]],
  [18, [0, 26, 35, 25, 6, 6.5, 1.5, 0.5]],
  [Infinity, [0, 16, 30, 27, 8, 12, 4.5, 2.5]],
];

function peakLevel(rng: Prng, years: number): number {
  const row = PEAK_LEVEL_WEIGHTS.find(([maxYears]) => years < maxYears) ?? PEAK_LEVEL_WEIGHTS[PEAK_LEVEL_WEIGHTS.length - 1];
  return rng.pickIndexByWeights(row[1]);
}

/** A few experienced people end up founders, owners or partners instead of climbing further. */
function offLadderLevel(rng: Prng, departmentIdx: number, level: number): number {
  if (level < LEVEL.senior) return level;
  const r = rng.next();
  if (r < 0.02) return LEVEL.founder;
  if (r < 0.035) return LEVEL.owner;
  const partnerDepartments = ['Consulting', 'Legal', 'Finance & Accounting'];
  if (level >= LEVEL.director && r < 0.15 && partnerDepartments.includes(DEPARTMENTS[departmentIdx].name)) return LEVEL.partner;
  return level;
}

/** Mostly the home city; sometimes elsewhere in the country; rarely abroad (people move). */
function jobLocation(input: CareerInput, rng: Prng): string {
  const { pools, identity } = input;
  const r = rng.next();
  if (r < 0.7) return identity.location;
  const countryIdx = r < 0.95 ? identity.countryIdx : pools.countryIndex.draw(rng);
  return formatLocation(COUNTRIES[countryIdx], pools.cityIndex[countryIdx].draw(rng));
}

/** Zipf-weighted employer; departments tied to industries (Health, Education...) stay in them. */
export function pickCompany(pools: Pools, departmentIdx: number, rng: Prng, avoid: number): number {
  const industries = DEPARTMENT_INDUSTRIES[departmentIdx];
  let company = avoid;
  for (let attempt = 0; attempt < 4 && company === avoid; attempt++) {
    if (industries === null) {
      company = pools.companyIndex.draw(rng);
    } else {
      const industry = rng.pick(industries);
      company = pools.companiesByIndustry[industry][pools.industryCompanyIndex[industry].draw(rng)];
    }
  }
  return company;
}

function foundedBy(pools: Pools, company: number, year: number): boolean {
  return pools.companies[company].founded <= year;
}

/**
 * An employer that already existed while the job ran (a few re-draws, then accept). Founders and
 * owners run small firms, not the 100,000-employee giants at the head of the pool.
 */
function pickEmployer(input: CareerInput, level: number, endYear: number): number {
  const { pools, rng } = input;
  const ownBusiness = level === LEVEL.founder || level === LEVEL.owner;
  let company = -1;
  for (let attempt = 0; attempt < 4 && (company < 0 || !foundedBy(pools, company, endYear)); attempt++) {
    company = ownBusiness ? rng.int(SMALL_COMPANY_RANK, COMPANY_COUNT - 1) : pickCompany(pools, input.departmentIdx, rng, -1);
  }
  return company;
}

export interface JobSlot {
  seq: number;
  company: number;
  level: number;
  location: string;
  from: number;
  to: number | null;
  createdTs: number;
}

/** What makeJob needs to know about the person. */
export interface JobOwner {
  pools: Pools;
  rng: Prng;
  departmentIdx: number;
  role: string;
}

export function makeJob(input: JobOwner, slot: JobSlot): Job {
  const { rng } = input;
  const dept = DEPARTMENTS[input.departmentIdx];
  // Most titles use the person's own role; some reflect a sideways move within the department.
  const role = rng.chance(0.75) ? input.role : rng.pick(dept.roles);
  return {
    seq: slot.seq,
    company: slot.company,
    title: titleFor(dept, slot.level, role, rng),
    department: isCSuite(slot.level) ? 'C-Suite' : dept.name,
    level: slot.level,
    location: slot.location,
    description: rng.chance(0.85) ? jobDescription(input.pools, input.departmentIdx, rng) : null,
    from: slot.from,
    to: slot.to,
    createdTs: slot.createdTs,
  };
}

function isCSuite(level: number): boolean {
  return level === LEVEL.cLevel || level === LEVEL.owner || level === LEVEL.founder;
}

function titleFor(dept: Department, level: number, role: string, rng: Prng): string {
  switch (level) {
    case LEVEL.intern: return `${role} Intern`;
    case LEVEL.specialist: return role;
    case LEVEL.senior: return rng.chance(0.75) ? `Senior ${role}` : `Lead ${role}`;
    case LEVEL.manager: return rng.pick(dept.managers);
    case LEVEL.head: return `Head of ${dept.area}`;
    case LEVEL.director: return rng.chance(0.5) ? `Director of ${dept.area}` : `${dept.area} Director`;
    case LEVEL.vp: return rng.chance(0.5) ? `Vice President of ${dept.area}` : `VP ${dept.area}`;
    case LEVEL.cLevel: return dept.chief;
    case LEVEL.partner: return rng.chance(0.7) ? 'Partner' : 'Managing Partner';
    case LEVEL.owner: return 'Owner';
    default: return rng.pick(['Founder', 'Co-Founder', 'Founder & CEO']);
  }
}

/** One to three achievement sentences from the department's pool. */
function jobDescription(pools: Pools, departmentIdx: number, rng: Prng): string {
  return rng.pickDistinct(pools.sentences[departmentIdx], rng.int(1, 3)).join(' ');
}
