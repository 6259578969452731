// The smaller profile sections (education, certifications, languages, ...). Each builder draws
// from the person's own PRNG and the shared pools; counts follow rough real-world frequencies
// (most people list a degree and a few skills, few list patents).

import {
  ACTIVITIES_AND_SOCIETIES, ACTIVITY_ACTIONS, AWARD_TITLES, DEGREES, LANGUAGES, ORGANIZATION_PATTERNS,
  ORGANIZATION_POSITIONS, PROFICIENCIES, PUBLISHERS,
} from './catalog.js';
import { yearOf } from './dates.js';
import { DEPARTMENTS } from './departments.js';
import { COUNTRIES } from './geo.js';
import { otherPerson } from './identity.js';
import type {
  ActivityEntry, AwardEntry, CertificationEntry, CourseEntry, EducationEntry, Identity, Job, LanguageEntry,
  OrganizationEntry, PatentEntry, PersonRef, PublicationEntry, RecommendationEntry,
} from './model.js';
import { CERTIFICATIONS_BY_DEPARTMENT } from './pools.js';
import type { Pools, School } from './pools.js';
import type { Prng } from './prng.js';
import { slugify } from './slug.js';

/** What every section builder needs to know about the person. */
export interface SectionContext {
  pools: Pools;
  rng: Prng;
  seed: number;
  firstId: number;
  identity: Identity;
  departmentIdx: number;
  /** First month of the career, and the month the record describes. */
  careerStart: number;
  asOfMonth: number;
  jobs: readonly Job[];
}

const COMPANY_URL_PREFIX = 'https://www.professional-network.example/company/';

function monthInCareer(ctx: SectionContext): number {
  return ctx.rng.int(ctx.careerStart, ctx.asOfMonth);
}

function pickSchool(ctx: SectionContext): School {
  const { rng, pools } = ctx;
  const countryIdx = rng.chance(0.85) ? ctx.identity.countryIdx : pools.countryIndex.draw(rng);
  return rng.pick(pools.schoolsByCountry[countryIdx]);
}

/** Newest first: a bachelor's ending around the career start, maybe a master's, rarely a PhD. */
export function buildEducation(ctx: SectionContext): EducationEntry[] {
  const { rng } = ctx;
  const count = rng.pickIndexByWeights([8, 50, 35, 7]);
  const majors = DEPARTMENTS[ctx.departmentIdx].majors;
  const entries: EducationEntry[] = [];
  let toYear = yearOf(ctx.careerStart) - (rng.chance(0.7) ? 0 : 1);
  for (let k = 0; k < count; k++) {
    // Further degrees only if they could have started by the record date.
    if (k > 0 && toYear >= yearOf(ctx.asOfMonth)) break;
    const kind = k === 0 ? (rng.chance(0.1) ? DEGREES.associate : DEGREES.bachelor) : k === 1 ? DEGREES.master : DEGREES.doctorate;
    const years = kind === DEGREES.master ? rng.int(1, 2) : kind === DEGREES.doctorate ? rng.int(3, 5) : rng.int(2, 4);
    const fromYear = k === 0 ? toYear - years : Math.min(toYear + rng.int(0, 5), yearOf(ctx.asOfMonth));
    const entryTo = k === 0 ? toYear : fromYear + years;
    entries.push({
      school: pickSchool(ctx),
      degree: rng.pick(kind),
      field: kind === DEGREES.master && rng.chance(0.3) ? 'Business Administration' : rng.pick(majors),
      fromYear,
      toYear: entryTo,
      activities: rng.chance(0.45) ? rng.pick(ACTIVITIES_AND_SOCIETIES) : null,
      description: rng.chance(0.3) ? educationNote(ctx) : null,
    });
    toYear = entryTo;
  }
  return entries.reverse();
}

function educationNote(ctx: SectionContext): string {
  const { rng } = ctx;
  const skill = ctx.pools.skills[rng.pick(ctx.pools.departmentSkills[ctx.departmentIdx])].name;
  return rng.pick([
    `Thesis on ${skill}.`,
    'Graduated with honours.',
    `Exchange semester in ${rng.pick(rng.pick(COUNTRIES).cities)[0]}.`,
    `Coursework focused on ${skill} and research methods.`,
  ]);
}

export function buildCertifications(ctx: SectionContext): CertificationEntry[] {
  const { rng } = ctx;
  const count = rng.pickIndexByWeights([45, 25, 15, 10, 5]);
  return rng.pickDistinct(CERTIFICATIONS_BY_DEPARTMENT[ctx.departmentIdx], count).map(([title, issuer]) => {
    const credentialId = `${initials(title)}-${rng.digits(6)}`;
    const from = monthInCareer(ctx);
    return {
      title,
      issuer,
      issuerUrl: COMPANY_URL_PREFIX + slugify(issuer),
      credentialId,
      url: `https://certs.${slugify(issuer)}.example/${credentialId}`,
      from,
      to: rng.chance(0.45) ? null : from + 12 * rng.int(1, 3),
    };
  });
}

function initials(text: string): string {
  return text.split(/\s+/).map((w) => w.charAt(0)).join('').replace(/[^A-Za-z]/g, '').toUpperCase().slice(0, 4) || 'CERT';
}

/** Native language(s) first, then English for non-native speakers, sometimes one more. */
export function buildLanguages(ctx: SectionContext): LanguageEntry[] {
  const { rng } = ctx;
  const native = COUNTRIES[ctx.identity.countryIdx].languages.map((name) => LANGUAGES.indexOf(name));
  const english = LANGUAGES.indexOf('English');
  const entries: LanguageEntry[] = [{ language: native[0], proficiency: PROFICIENCIES.length - 1 }];
  if (native[0] !== english) entries.push({ language: english, proficiency: rng.int(2, 3) });
  else if (native.length > 1 && rng.chance(0.5)) entries.push({ language: native[1], proficiency: rng.int(1, 4) });
  if (entries.length < 3 && rng.chance(0.3)) {
    const extra = rng.int(0, LANGUAGES.length - 1);
    if (entries.every((e) => e.language !== extra)) entries.push({ language: extra, proficiency: rng.int(0, 2) });
  }
  return entries;
}

function someoneElse(ctx: SectionContext): PersonRef {
  return otherPerson(ctx.pools, ctx.seed, ctx.identity.index, ctx.firstId, ctx.rng);
}

export function buildRecommendations(ctx: SectionContext): RecommendationEntry[] {
  const { rng } = ctx;
  const count = rng.pickIndexByWeights([45, 25, 18, 12]);
  return rng.pickDistinct(ctx.pools.recommendationTemplates, count).map((template) => ({
    text: template.replaceAll('{first}', ctx.identity.first),
    referee: someoneElse(ctx),
  }));
}

export function buildCourses(ctx: SectionContext, education: readonly EducationEntry[]): CourseEntry[] {
  const { rng } = ctx;
  const count = rng.pickIndexByWeights([50, 30, 20]);
  return rng.pickDistinct(DEPARTMENTS[ctx.departmentIdx].courses, count).map((title) => ({
    title,
    organizer: education.length > 0 ? rng.pick(education).school.name : pickSchool(ctx).name,
  }));
}

export function buildAwards(ctx: SectionContext): AwardEntry[] {
  const { rng, pools } = ctx;
  const count = rng.pickIndexByWeights([60, 28, 12]);
  return rng.pickDistinct(AWARD_TITLES, count).map((title) => {
    const job = rng.pick(ctx.jobs);
    return {
      title,
      issuer: pools.companies[job.company].name,
      description: rng.chance(0.5)
        ? rng.pick(['Annual award.', 'Quarterly recognition for outstanding results.', 'Awarded to the top 5% of performers.', 'Peer-nominated award.'])
        : null,
      month: rng.int(job.from, job.to ?? ctx.asOfMonth),
    };
  });
}

export function buildActivity(ctx: SectionContext): ActivityEntry[] {
  const { rng } = ctx;
  const count = rng.pickIndexByWeights([40, 35, 25]);
  return rng.pickDistinct(ctx.pools.postTitles, count).map((title) => ({
    url: `https://www.professional-network.example/posts/${ctx.identity.shorthand}_activity-${rng.digits(19)}`,
    title,
    action: `${rng.pick(ACTIVITY_ACTIONS)} ${ctx.identity.name}`,
  }));
}

export function buildOrganizations(ctx: SectionContext): OrganizationEntry[] {
  const { rng } = ctx;
  const count = rng.pickIndexByWeights([60, 28, 12]);
  const country = COUNTRIES[ctx.identity.countryIdx];
  const area = DEPARTMENTS[ctx.departmentIdx].area;
  return rng.pickDistinct(ORGANIZATION_PATTERNS, count).map((pattern) => {
    const from = monthInCareer(ctx);
    return {
      name: pattern.replace('{city}', country.cities[ctx.identity.cityIdx][0]).replace('{country}', country.name).replace('{area}', area),
      position: rng.pick(ORGANIZATION_POSITIONS),
      description: rng.chance(0.5) ? rng.pick(['Monthly meetup.', 'Professional association.', 'Volunteer-run community.', 'Annual conference committee.']) : null,
      from,
      to: rng.chance(0.5) ? null : Math.min(ctx.asOfMonth, from + rng.int(6, 48)),
    };
  });
}

/** Co-authors / co-inventors: the person first, then up to two other people. */
function contributors(ctx: SectionContext): PersonRef[] {
  const self: PersonRef = { fullName: ctx.identity.name, url: ctx.identity.url, location: ctx.identity.location };
  const others = ctx.rng.int(0, 2);
  const list = [self];
  for (let k = 0; k < others; k++) list.push(someoneElse(ctx));
  return list;
}

export function buildPublications(ctx: SectionContext): PublicationEntry[] {
  const { rng } = ctx;
  const research = ['Research', 'Education', 'Health'].includes(DEPARTMENTS[ctx.departmentIdx].name);
  const count = rng.pickIndexByWeights(research ? [45, 30, 25] : [80, 14, 6]);
  return rng.pickDistinct(ctx.pools.publicationTitles, count).map((title) => ({
    title,
    publisher: rng.pick(PUBLISHERS),
    description: rng.chance(0.6) ? rng.pick(ctx.pools.sentences[ctx.departmentIdx]) : null,
    month: monthInCareer(ctx),
    day: rng.int(1, 28),
    url: `https://publications.example.com/${slugify(title).slice(0, 60)}`,
    authors: contributors(ctx),
  }));
}

export function buildPatents(ctx: SectionContext): PatentEntry[] {
  const { rng } = ctx;
  const inventive = ['Engineering and Technical', 'Research', 'Product'].includes(DEPARTMENTS[ctx.departmentIdx].name);
  const count = rng.pickIndexByWeights(inventive ? [75, 17, 8] : [96, 3, 1]);
  return rng.pickDistinct(ctx.pools.patentTitles, count).map((title) => {
    const issued = rng.chance(0.6);
    // US grant numbers ("US 11,234,567 B2") vs. application publications ("US 2023/0123456 A1").
    const number = issued
      ? `US ${rng.int(9, 12)},${rng.digits(3)},${rng.digits(3)} B2`
      : `US ${rng.int(2015, 2025)}/0${rng.digits(6)} A1`;
    return {
      title,
      status: issued ? 0 : 1,
      description: rng.chance(0.5) ? rng.pick(ctx.pools.sentences[ctx.departmentIdx]) : null,
      number,
      url: `https://patents.example.com/patent/${number.replace(/[^A-Z0-9]/g, '')}`,
      month: monthInCareer(ctx),
      day: rng.int(1, 28),
      inventors: contributors(ctx),
    };
  });
}
