// Renders the generator's companies (the employers its people's experience entries name, with the
// same ids) as Base Company records (mappings/company_base.json), plus the company with id 2 that
// Coresignal's official n8n node collects to test a credential (spec current/ §9.1).
import { createHash } from 'node:crypto';
import { INDUSTRIES } from './catalog.js';
import type { Company } from './companies.js';

type Rec = Record<string, unknown>;

/** `2025-01-31` → `2025-01-31 00:00:00`, the Base timestamp format. */
const timestamp = (day: string): string => `${day} 00:00:00`;

export function companyBaseRecord(c: Company): Rec {
  const slug = c.networkUrl.slice(c.networkUrl.lastIndexOf('/') + 1);
  return {
    id: c.id,
    source_id: c.id,
    created: timestamp(`${Math.max(c.founded, 2010)}-01-01`),
    last_updated: timestamp(c.lastUpdated),
    deleted: 0,
    url: c.networkUrl,
    canonical_url: c.networkUrl,
    hash: createHash('md5').update(`company:${c.id}`).digest('hex'),
    name: c.name,
    website: c.website,
    size: c.sizeRange,
    employees_count: c.employees,
    industry: INDUSTRIES[c.industry]!.name,
    type: c.type,
    description: null,
    followers: c.followers,
    founded: c.founded,
    logo_url: `https://media.example.com/company/${slug}.png`,
    company_shorthand_name: slug,
    canonical_shorthand_name: slug,
    headquarters_new_address: c.hq.full,
    headquarters_city: c.hq.city,
    headquarters_state: c.hq.state,
    headquarters_country: c.hq.country,
    headquarters_country_iso2: c.hq.iso2,
    categories_and_keywords: [...c.keywords],
    stock_ticker: [...c.tickers],
  };
}

/** The company n8n's credential test collects (`GET /cdapi/v2/company_base/collect/2`): the spec's fixture. */
export const credentialCheckCompany: Rec = {
  id: 2, source_id: 2, created: '2024-01-01 00:00:00', last_updated: '2024-01-01 00:00:00', deleted: 0,
  url: 'https://www.professional-network.example/company/rollcall-fixture',
  canonical_url: 'https://www.professional-network.example/company/rollcall-fixture',
  hash: '00000000000000000000000000000002', name: 'Rollcall Fixture Company', website: 'https://rollcall.example',
  size: '1-10 employees', employees_count: 1, industry: 'Software Development', type: 'Privately Held', description: null,
  followers: 0, founded: 2024, logo_url: null, company_shorthand_name: 'rollcall-fixture', canonical_shorthand_name: 'rollcall-fixture',
  headquarters_new_address: null, headquarters_city: null, headquarters_state: null, headquarters_country: null, headquarters_country_iso2: null,
  categories_and_keywords: [], stock_ticker: [],
};
