// The shared company pool: ~5,000 fictional employers reused by every person. Companies are
// ranked by popularity (rank 0 = most employees in the dataset) and drawn with Zipf-like weights,
// so a handful of big employers appear in many profiles, like real data, which makes
// company_id / company_name queries return realistic result counts.

import type { Faker } from '@faker-js/faker';
import { COMPANY_SIZES, COMPANY_SIZE_RANK_STARTS, INDUSTRIES } from './catalog.js';
import { COUNTRIES } from './geo.js';
import type { Prng, WeightedIndex } from './prng.js';
import { slugify, tickerFor } from './slug.js';

export const COMPANY_COUNT = 5000;
export const FIRST_COMPANY_ID = 70000001;

export interface CompanyHq {
  full: string;
  country: string;
  regions: readonly string[];
  iso2: string;
  iso3: string;
  city: string;
  state: string | null;
  street: string;
  zipcode: string | null;
}

export interface Company {
  id: number;
  name: string;
  networkUrl: string;
  website: string;
  industry: number;
  type: string;
  founded: number;
  followers: number;
  sizeRange: string;
  employees: number;
  facebook: readonly string[];
  twitter: readonly string[];
  hq: CompanyHq;
  lastUpdated: string;
  keywords: readonly string[];
  tickers: readonly string[];
  isB2b: number;
  revenue: number | null;
  revenueCurrency: string | null;
  growthPercent: number | null;
  fundingDate: string | null;
  fundingAmount: number | null;
}

/** Everything a company needs from the rest of the pool builder. */
export interface CompanyContext {
  faker: Faker;
  rng: Prng;
  countryIndex: WeightedIndex;
  cityIndex: readonly WeightedIndex[];
  industryIndex: WeightedIndex;
  /** Faker for the country's locale, so HQ streets look local ("Hauptstraße 12" in Germany). */
  fakerForCountry: (countryIdx: number) => Faker;
}

const BRAND_HEADS = ['North', 'Blue', 'Silver', 'Green', 'Bright', 'Red', 'Iron', 'Clear', 'Stone', 'Oak', 'Pine', 'Sun', 'Star', 'Summit', 'Cedar', 'Harbor', 'Eagle', 'Lake', 'River', 'West', 'High', 'True', 'Open', 'Swift'];
const BRAND_TAILS = ['wind', 'bridge', 'stone', 'field', 'point', 'peak', 'crest', 'wave', 'light', 'path', 'gate', 'line', 'view', 'forge', 'leaf', 'rock', 'well', 'brook', 'spark', 'mark'];

export function buildCompanies(ctx: CompanyContext): Company[] {
  const usedSlugs = new Set<string>();
  const companies: Company[] = [];
  for (let rank = 0; rank < COMPANY_COUNT; rank++) companies.push(buildCompany(ctx, rank, usedSlugs));
  return companies;
}

function buildCompany(ctx: CompanyContext, rank: number, usedSlugs: Set<string>): Company {
  const { faker: f, rng } = ctx;
  const industry = ctx.industryIndex.draw(rng);
  const name = uniqueCompanyName(ctx, industry, usedSlugs);
  const slug = slugify(name);
  const size = sizeBandForRank(rank, rng);
  const [sizeRange, minEmployees, maxEmployees] = COMPANY_SIZES[size];
  const employees = logUniformInt(rng, minEmployees, maxEmployees);
  const type = companyType(INDUSTRIES[industry].name, size, rng);
  const founded = size <= 2 ? rng.int(1890, 2008) : rng.int(1975, 2023);
  const funded = type === 'Privately Held' && founded >= 2005 && rng.chance(0.55);
  const revenue = rng.chance(0.8) ? Math.round((employees * (60000 + rng.next() * 340000)) / 1000) * 1000 : null;
  return {
    id: FIRST_COMPANY_ID + rank,
    name,
    networkUrl: `https://www.professional-network.example/company/${slug}`,
    website: `https://${slug}.example`,
    industry,
    type,
    founded,
    followers: Math.round(employees * (2 + rng.next() * 25)) + rng.int(10, 900),
    sizeRange,
    employees,
    facebook: rng.chance(0.5) ? [`https://facebook.example/${slug}`] : [],
    twitter: rng.chance(0.6) ? [`https://twitter.example/${slug.replace(/-/g, '')}`] : [],
    hq: buildHq(ctx),
    lastUpdated: f.date.between({ from: '2024-09-01T00:00:00Z', to: '2025-05-31T00:00:00Z' }).toISOString().slice(0, 10),
    keywords: rng.pickDistinct(INDUSTRIES[industry].keywords, rng.int(2, 5)),
    tickers: type === 'Public Company' ? [`${rng.pick(['NYSE', 'NASDAQ', 'LSE', 'XETRA'])}:${tickerFor(name)}`] : [],
    isB2b: rng.chance(INDUSTRIES[industry].b2b) ? 1 : 0,
    revenue,
    revenueCurrency: revenue === null ? null : 'USD',
    growthPercent: rng.chance(0.9) ? oneDecimal(rng.next() * 50 - 15) : null,
    fundingDate: funded ? f.date.between({ from: '2015-01-01T00:00:00Z', to: '2025-05-31T00:00:00Z' }).toISOString().slice(0, 10) : null,
    fundingAmount: funded ? rng.int(5, 2000) * 100000 : null,
  };
}

/** Brand-like names: "Hyatt Logistics", "Northwind Analytics", or Faker's own "Gutmann Group". */
function uniqueCompanyName(ctx: CompanyContext, industry: number, usedSlugs: Set<string>): string {
  const { faker: f, rng } = ctx;
  const suffixes = INDUSTRIES[industry].suffixes;
  for (let attempt = 0; ; attempt++) {
    const style = rng.next();
    let name: string;
    if (style < 0.35) name = `${f.person.lastName()} ${rng.pick(suffixes)}`;
    else if (style < 0.7) name = `${rng.pick(BRAND_HEADS)}${rng.pick(BRAND_TAILS)} ${rng.pick(suffixes)}`;
    else name = f.company.name();
    // After a few collisions, disambiguate the way real companies do.
    if (attempt > 3) name = `${name} ${rng.pick(['Group', 'International', 'Holdings', 'Co.'])}`;
    if (attempt > 8) name = `${name} ${attempt}`;
    const slug = slugify(name);
    if (slug !== '' && !usedSlugs.has(slug)) {
      usedSlugs.add(slug);
      return name;
    }
  }
}

/** Popular companies are big; a little jitter keeps the bands from being perfectly sorted. */
function sizeBandForRank(rank: number, rng: Prng): number {
  let band = 0;
  for (let b = 0; b < COMPANY_SIZE_RANK_STARTS.length; b++) if (rank >= COMPANY_SIZE_RANK_STARTS[b]) band = b;
  if (rng.chance(0.15)) band += rng.chance(0.5) ? -1 : 1;
  return Math.min(COMPANY_SIZES.length - 1, Math.max(0, band));
}

function companyType(industryName: string, sizeBand: number, rng: Prng): string {
  if (industryName === 'Non-profit Organizations') return 'Nonprofit';
  if (industryName === 'Government Administration') return 'Government Agency';
  if (industryName === 'Higher Education') return 'Educational';
  if (industryName === 'Law Practice' || industryName === 'Business Consulting and Services') {
    if (rng.chance(0.4)) return 'Partnership';
  }
  if (sizeBand <= 1) return rng.chance(0.7) ? 'Public Company' : 'Privately Held';
  if (sizeBand <= 3) return rng.chance(0.25) ? 'Public Company' : 'Privately Held';
  if (sizeBand === COMPANY_SIZES.length - 1 && rng.chance(0.3)) return rng.chance(0.5) ? 'Self-Employed' : 'Self-Owned';
  return 'Privately Held';
}

function buildHq(ctx: CompanyContext): CompanyHq {
  const { rng } = ctx;
  const countryIdx = ctx.countryIndex.draw(rng);
  const country = COUNTRIES[countryIdx];
  const [city, state] = country.cities[ctx.cityIndex[countryIdx].draw(rng)];
  const local = ctx.fakerForCountry(countryIdx);
  const street = local.location.streetAddress();
  const zipcode = country.postcode === '' ? null : local.helpers.replaceSymbols(country.postcode);
  const full = [street, city, [state, zipcode].filter((p) => p !== null).join(' '), country.name]
    .filter((p) => p !== '')
    .join(', ');
  return {
    full, country: country.name, regions: country.regions, iso2: country.iso2, iso3: country.iso3,
    city, state, street, zipcode,
  };
}

/** Rounds to one decimal; `+ 0` turns -0 into 0, which JSON cannot tell apart anyway. */
function oneDecimal(value: number): number {
  return Math.round(value * 10) / 10 + 0;
}

function logUniformInt(rng: Prng, min: number, max: number): number {
  const value = Math.exp(Math.log(min) + rng.next() * (Math.log(max) - Math.log(min)));
  return Math.min(max, Math.max(min, Math.round(value)));
}
