// Seeded value pools, built once per seed with Faker and then shared by every person.
//
// Faker is comparatively slow and its stream is global, so it is only used here, up front; people
// are then assembled by picking from these pools with their own per-person PRNG. That keeps
// generation fast (no Faker calls per person) and keeps person i independent of how many
// people are generated.

import { Faker, allLocales, base, en } from '@faker-js/faker';
import type { LocaleDefinition } from '@faker-js/faker';
import { GENERIC_CERTIFICATIONS, GENERIC_SKILLS, INDUSTRIES, PUBLISHERS } from './catalog.js';
import { buildCompanies, COMPANY_COUNT } from './companies.js';
import type { Company } from './companies.js';
import { DEPARTMENTS, GENERIC_ACHIEVEMENTS } from './departments.js';
import { COUNTRIES } from './geo.js';
import type { Country } from './geo.js';
import { FALLBACK_NAMES } from './names-fallback.js';
import type { NameList } from './names-fallback.js';
import { mixSeed, Prng, WeightedIndex, zipfWeights } from './prng.js';
import { slugify } from './slug.js';

export interface School {
  name: string;
  url: string;
}

export interface Skill {
  /** v1 skill_id; stable across seeds because the skill catalogue is static. */
  id: number;
  name: string;
  lower: string;
}

export interface Pools {
  namesByCountry: readonly NameList[];
  countryIndex: WeightedIndex;
  cityIndex: readonly WeightedIndex[];
  departmentIndex: WeightedIndex;
  companies: readonly Company[];
  companyIndex: WeightedIndex;
  /** Company ranks per industry, with a matching Zipf sampler, for departments tied to industries. */
  companiesByIndustry: readonly (readonly number[])[];
  industryCompanyIndex: readonly WeightedIndex[];
  schoolsByCountry: readonly (readonly School[])[];
  /** Achievement sentences per department (experience descriptions, summaries). */
  sentences: readonly (readonly string[])[];
  buzzPhrases: readonly string[];
  skills: readonly Skill[];
  departmentSkills: readonly (readonly number[])[];
  genericSkills: readonly number[];
  postTitles: readonly string[];
  publicationTitles: readonly string[];
  patentTitles: readonly string[];
  projectNames: readonly string[];
  groupNames: readonly string[];
  recommendationTemplates: readonly string[];
}

const CACHE_LIMIT = 4;
const cache = new Map<number, Pools>();

/** Pools for a seed; cached because building them takes a noticeable fraction of a second. */
export function getPools(seed: number): Pools {
  const hit = cache.get(seed);
  if (hit !== undefined) return hit;
  const pools = buildPools(seed);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as number);
  cache.set(seed, pools);
  return pools;
}

function buildPools(seed: number): Pools {
  const fakers = new Map<string, Faker>();
  const fakerFor = (localeKey: string): Faker => {
    let f = fakers.get(localeKey);
    if (f === undefined) {
      const locale = (allLocales as Record<string, LocaleDefinition>)[localeKey] ?? en;
      f = new Faker({ locale: [locale, en, base] });
      f.seed(mixSeed(seed, fakers.size, 0xfa4e));
      fakers.set(localeKey, f);
    }
    return f;
  };
  const nameLists = new Map<string, NameList>();
  const namesFor = (localeKey: string): NameList => {
    let list = nameLists.get(localeKey);
    if (list === undefined) {
      list = nameListFor(localeKey, fakerFor);
      nameLists.set(localeKey, list);
    }
    return list;
  };
  const main = fakerFor('en');
  const rng = new Prng(mixSeed(seed, 0x9001));
  const countryIndex = new WeightedIndex(COUNTRIES.map((c) => c.weight));
  // Earlier (bigger) cities get more people: weight 1/(k+1)^0.8.
  const cityIndex = COUNTRIES.map((c) => new WeightedIndex(zipfWeights(c.cities.length, 0.8, 1)));
  const companies = buildCompanies({
    faker: main,
    rng,
    countryIndex,
    cityIndex,
    industryIndex: new WeightedIndex(INDUSTRIES.map((i) => i.weight)),
    fakerForCountry: (idx) => fakerFor(COUNTRIES[idx].nameLocale in FALLBACK_NAMES ? 'en' : COUNTRIES[idx].nameLocale),
  });
  const popularity = zipfWeights(COMPANY_COUNT, 0.95, 8);
  const companiesByIndustry = INDUSTRIES.map((_, ind) => companies.flatMap((c, rank) => (c.industry === ind ? [rank] : [])));
  const skillCatalogue = buildSkills();
  const buzzPhrases = uniqueValues(() => main.company.buzzPhrase(), 400);
  return {
    namesByCountry: COUNTRIES.map((c) => namesFor(c.nameLocale)),
    countryIndex,
    cityIndex,
    departmentIndex: new WeightedIndex(DEPARTMENTS.map((d) => d.weight)),
    companies,
    companyIndex: new WeightedIndex(popularity),
    companiesByIndustry,
    industryCompanyIndex: companiesByIndustry.map((ranks) => new WeightedIndex(ranks.map((r) => popularity[r]))),
    schoolsByCountry: COUNTRIES.map((c) => buildSchools(c.cities, namesFor(c.nameLocale).last, rng)),
    sentences: DEPARTMENTS.map((_, d) => buildSentences(d, buzzPhrases, rng)),
    buzzPhrases,
    skills: skillCatalogue.skills,
    departmentSkills: skillCatalogue.byDepartment,
    genericSkills: skillCatalogue.generic,
    postTitles: buildPostTitles(main, rng, companies),
    publicationTitles: buildPublicationTitles(main, buzzPhrases, rng),
    patentTitles: uniqueValues(() => patentTitle(main), 300),
    projectNames: uniqueValues(() => projectName(main, rng), 200),
    groupNames: buildGroupNames(rng),
    recommendationTemplates: buildRecommendationTemplates(main, buzzPhrases, rng),
  };
}

/** Calls `make` until `count` distinct values exist (or it clearly cannot produce more). */
function uniqueValues(make: () => string, count: number): string[] {
  const seen = new Set<string>();
  for (let tries = 0; seen.size < count && tries < count * 10; tries++) seen.add(make());
  return [...seen];
}

function nameListFor(localeKey: string, fakerFor: (key: string) => Faker): NameList {
  const fallback = FALLBACK_NAMES[localeKey];
  if (fallback !== undefined) return fallback;
  const f = fakerFor(localeKey);
  return {
    first: uniqueValues(() => f.person.firstName(), 300),
    last: uniqueValues(() => f.person.lastName(), 300),
  };
}

function buildSkills(): { skills: Skill[]; byDepartment: number[][]; generic: number[] } {
  const skills: Skill[] = [];
  const idByName = new Map<string, number>();
  const indexOf = (name: string): number => {
    let idx = idByName.get(name);
    if (idx === undefined) {
      idx = skills.length;
      skills.push({ id: 1000 + idx, name, lower: name.toLowerCase() });
      idByName.set(name, idx);
    }
    return idx;
  };
  const byDepartment = DEPARTMENTS.map((d) => d.skills.map(indexOf));
  const generic = GENERIC_SKILLS.map(indexOf);
  return { skills, byDepartment, generic };
}

const SCHOOL_PATTERNS = [
  'University of {city}', '{city} University', '{city} Institute of Technology', '{last} College',
  '{last} University', '{city} School of Business', 'Technical University of {city}', '{state} University',
];

/** Plausible local institutions: "University of Lyon", "Hoffmann College", "Texas University". */
function buildSchools(cities: Country['cities'], lastNames: readonly string[], rng: Prng): School[] {
  const names = uniqueValues(() => {
    const [city, state] = rng.pick(cities);
    return rng.pick(SCHOOL_PATTERNS)
      .replace('{city}', city)
      .replace('{state}', state ?? city)
      .replace('{last}', rng.pick(lastNames));
  }, 12 + cities.length);
  return names.map((name) => ({ name, url: `https://www.professional-network.example/school/${slugify(name)}` }));
}

/** Fills the {placeholders} of one achievement template with seeded values. */
function fillTemplate(template: string, skills: readonly string[], buzzPhrases: readonly string[], rng: Prng): string {
  const skill = rng.pick(skills);
  let skill2 = rng.pick(skills);
  if (skill2 === skill) skill2 = rng.pick(skills);
  return template
    .replace('{skill}', skill)
    .replace('{skill2}', skill2)
    .replace('{buzz}', rng.pick(buzzPhrases))
    .replace('{n}', String(rng.int(2, 12)))
    .replace('{n2}', String(rng.int(15, 400)))
    .replace('{pct}', String(rng.int(8, 60)))
    .replace('{pct2}', String(rng.int(90, 99)));
}

function buildSentences(deptIdx: number, buzzPhrases: readonly string[], rng: Prng): string[] {
  const dept = DEPARTMENTS[deptIdx];
  return uniqueValues(() => {
    // Department-specific sentences three times as often as generic ones.
    const template = rng.chance(0.75) ? rng.pick(dept.achievements) : rng.pick(GENERIC_ACHIEVEMENTS);
    return fillTemplate(template, dept.skills, buzzPhrases, rng);
  }, 160);
}

function buildPostTitles(f: Faker, rng: Prng, companies: readonly Company[]): string[] {
  const roles = DEPARTMENTS.flatMap((d) => d.roles);
  const templates = [
    () => `We are hiring a ${rng.pick(roles)} in ${rng.pick(rng.pick(COUNTRIES).cities)[0]}`,
    () => `Excited to share that our team just launched a ${f.company.buzzAdjective()} ${f.company.buzzNoun()} platform`,
    () => `Thoughts on how to ${f.company.buzzPhrase()}`,
    () => `Proud to celebrate ${rng.int(2, 15)} years at ${rng.pick(companies).name}`,
    () => `What I learned about ${f.company.buzzNoun()} this year`,
    () => `Great panel today on ${f.company.buzzAdjective()} ${f.company.buzzNoun()}`,
  ];
  return uniqueValues(() => rng.pick(templates)(), 400);
}

function buildPublicationTitles(f: Faker, buzzPhrases: readonly string[], rng: Prng): string[] {
  const skills = DEPARTMENTS.flatMap((d) => d.skills);
  const templates = [
    () => `${capitalise(rng.pick(buzzPhrases))}: lessons from ${rng.int(2, 10)} years in the field`,
    () => `How we learned to ${rng.pick(buzzPhrases)}`,
    () => `A practical guide to ${rng.pick(skills)}`,
    () => `Rethinking ${rng.pick(skills)} for ${f.company.buzzAdjective()} teams`,
    () => `${rng.pick(skills)} at scale: a case study`,
  ];
  return uniqueValues(() => rng.pick(templates)(), 400);
}

function patentTitle(f: Faker): string {
  return f.helpers.arrayElement([
    `System and method for ${f.company.buzzAdjective()} ${f.company.buzzNoun()}`,
    `Apparatus for ${f.company.buzzAdjective()} ${f.company.buzzNoun()} management`,
    `Method of ${f.hacker.ingverb()} ${f.hacker.adjective()} ${f.hacker.noun()} data`,
  ]);
}

function projectName(f: Faker, rng: Prng): string {
  return rng.chance(0.5)
    ? `${capitalise(f.company.buzzAdjective())} ${f.company.buzzNoun()} platform`
    : `Open-source ${f.hacker.noun()} toolkit`;
}

function buildGroupNames(rng: Prng): string[] {
  const areas = DEPARTMENTS.map((d) => d.area);
  const industries = INDUSTRIES.map((i) => i.name);
  const templates = [
    () => `${rng.pick(areas)} Professionals`,
    () => `${rng.pick(industries)} Network`,
    () => `${rng.pick(rng.pick(DEPARTMENTS).skills)} Users Group`,
    () => `${rng.pick(COUNTRIES).name} ${rng.pick(areas)} Community`,
    () => `${rng.pick(PUBLISHERS)} Readers`,
  ];
  return uniqueValues(() => rng.pick(templates)(), 300);
}

/** Recommendation texts; "{first}" is replaced per person. */
function buildRecommendationTemplates(f: Faker, buzzPhrases: readonly string[], rng: Prng): string[] {
  const qualities = ['reliable', 'thoughtful', 'collaborative', 'driven', 'curious', 'pragmatic', 'generous', 'sharp'];
  const openers = [
    () => `{first} is one of the most ${rng.pick(qualities)} colleagues I have worked with.`,
    () => `I had the pleasure of working with {first} for ${rng.int(2, 6)} years.`,
    () => `{first} joined our team at a critical moment and made an immediate impact.`,
    () => `I managed {first} directly and saw them grow into a trusted leader.`,
  ];
  const middles = [
    () => `They helped us ${rng.pick(buzzPhrases)} without ever losing sight of the details.`,
    () => `Their work on our ${f.company.buzzAdjective()} ${f.hacker.noun()} project was outstanding.`,
    () => `They are ${rng.pick(qualities)}, ${rng.pick(qualities)} and always willing to help others.`,
  ];
  const closers = ['I recommend {first} without reservation.', 'Any team would be lucky to have {first}.', 'I would gladly work with {first} again.'];
  return uniqueValues(() => `${rng.pick(openers)()} ${rng.pick(middles)()} ${rng.pick(closers)}`, 200);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Certifications each department's people may hold: their own first, then generic ones. */
export const CERTIFICATIONS_BY_DEPARTMENT: readonly (readonly (readonly [string, string])[])[] = DEPARTMENTS.map(
  (d) => [...d.certifications, ...GENERIC_CERTIFICATIONS],
);
