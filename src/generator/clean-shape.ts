// Renders a person model as a Clean Employee record (samples/employee_clean.json): every key
// present and in the sample's order, absent scalars null, absent arrays [].

import { INDUSTRIES, LANGUAGES, LEVELS, PATENT_STATUSES, PROFICIENCIES } from './catalog.js';
import type { Company } from './companies.js';
import { formatDate, formatDuration, formatYearMonth, formatYearMonthDay, monthOf, yearOf } from './dates.js';
import type { Derived } from './derived.js';
import { COUNTRIES } from './geo.js';
import type { Job, PersonModel, PersonRef } from './model.js';
import type { Pools } from './pools.js';

type Row = Record<string, unknown>;

export function renderClean(model: PersonModel, pools: Pools, d: Derived): Row {
  const { identity } = model;
  const country = COUNTRIES[identity.countryIdx];
  const [city, state] = country.cities[identity.cityIdx];
  const current = d.current;
  return {
    id: identity.id,
    full_name: identity.fullName,
    name_first: identity.first,
    name_middle: identity.middle,
    name_last: identity.last,
    websites_professional_network: identity.url,
    shorthand_names: [identity.shorthand],
    public_profile_id: model.publicProfileId,
    picture_url: model.pictureUrl,
    headline: d.headline,
    generated_headline: d.generatedHeadline,
    description: model.summary,
    job_title: current === null ? null : current.title,
    job_description: current === null ? null : current.description,
    company_id: current === null ? null : pools.companies[current.company].id,
    department: current === null ? null : current.department,
    management_level: current === null ? null : LEVELS[current.level],
    is_decision_maker: d.isDecisionMaker,
    is_working: current === null ? 0 : 1,
    is_hidden: 0,
    is_deleted: 0,
    last_updated: formatDate(model.updatedTs),
    skills: model.skills.map((s) => pools.skills[s].lower),
    follower_count: model.followerCount,
    connections_count: model.connectionsCount,
    recommendations_count: model.recommendations.length,
    total_experience_duration: formatDuration(d.totalMonths),
    total_experience_duration_months: d.totalMonths,
    location_full: identity.location,
    location_raw_address: identity.location,
    location_country: country.name,
    location_regions: [...country.regions],
    location_city: city,
    location_state: state,
    location_country_iso_2: country.iso2,
    location_country_iso_3: country.iso3,
    experience: model.jobs.map((job, k) => cleanExperience(job, k, pools.companies[job.company], d.jobMonths[k])),
    education: model.education.map((e, k) => ({
      title: e.school.name,
      major: `${e.degree} ${e.field}`,
      institution_url: e.school.url,
      description: e.description,
      activities_and_societies: e.activities,
      date_from: String(e.fromYear),
      date_to: String(e.toYear),
      order_in_profile: k + 1,
    })),
    certifications: model.certifications.map((c, k) => ({
      title: c.title,
      issuer: c.issuer,
      credential_id: c.credentialId,
      certificate_url: c.url,
      issuer_url: c.issuerUrl,
      ...monthRange(c.from, c.to),
      order_in_profile: k + 1,
    })),
    languages: model.languages.map((l, k) => ({
      language: LANGUAGES[l.language],
      proficiency: PROFICIENCIES[l.proficiency],
      order_in_profile: k + 1,
    })),
    recommendations: model.recommendations.map((r, k) => ({
      recommendation: r.text,
      referee_name: r.referee.fullName,
      referee_url: r.referee.url,
      order_in_profile: k + 1,
    })),
    courses: model.courses.map((c, k) => ({ title: c.title, organizer: c.organizer, order_in_profile: k + 1 })),
    awards: model.awards.map((a, k) => ({
      title: a.title,
      issuer: a.issuer,
      description: a.description,
      date: formatYearMonth(a.month),
      date_year: yearOf(a.month),
      date_month: monthOf(a.month),
      order_in_profile: k + 1,
    })),
    activity: model.activity.map((a, k) => ({
      activity_url: a.url,
      title: a.title,
      action: a.action,
      order_in_profile: k + 1,
    })),
    organizations: model.organizations.map((o, k) => ({
      organization: o.name,
      position: o.position,
      description: o.description,
      ...monthRange(o.from, o.to),
      order_in_profile: k + 1,
    })),
    patents: model.patents.map((p, k) => ({
      title: p.title,
      status: PATENT_STATUSES[p.status],
      patent_or_application_number: p.number,
      date: formatYearMonthDay(p.month, p.day),
      date_year: yearOf(p.month),
      date_month: monthOf(p.month),
      date_day: p.day,
      description: p.description,
      inventors: people(p.inventors),
      patent_url: p.url,
      order_in_profile: k + 1,
    })),
    publications: model.publications.map((p, k) => ({
      title: p.title,
      publisher: p.publisher,
      date: formatYearMonthDay(p.month, p.day),
      date_year: yearOf(p.month),
      date_month: monthOf(p.month),
      date_day: p.day,
      description: p.description,
      authors: people(p.authors),
      publication_url: p.url,
      order_in_profile: k + 1,
    })),
  };
}

function monthRange(from: number, to: number | null): Row {
  return {
    date_from: formatYearMonth(from),
    date_from_year: yearOf(from),
    date_from_month: monthOf(from),
    date_to: to === null ? null : formatYearMonth(to),
    date_to_year: to === null ? null : yearOf(to),
    date_to_month: to === null ? null : monthOf(to),
  };
}

function people(list: readonly PersonRef[]): Row[] {
  return list.map((p, k) => ({ full_name: p.fullName, profile_url: p.url, order_in_profile: k + 1 }));
}

function cleanExperience(job: Job, k: number, company: Company, months: number): Row {
  return {
    title: job.title,
    description: job.description,
    location: job.location,
    department: job.department,
    management_level: LEVELS[job.level],
    order_in_profile: k + 1,
    deleted: 0,
    ...monthRange(job.from, job.to),
    duration: formatDuration(months),
    duration_months: months,
    ...companyFirmographics(company),
  };
}

/** The enriched company_* fields; arrays are copied so records never share mutable state. */
function companyFirmographics(c: Company): Row {
  const hq = c.hq;
  return {
    company_id: c.id,
    company_name: c.name,
    company_professional_network_url: c.networkUrl,
    company_website: c.website,
    company_industry: INDUSTRIES[c.industry].name,
    company_type: c.type,
    company_founded: c.founded,
    company_followers_count: c.followers,
    company_size_range: c.sizeRange,
    company_size_employees_count: c.employees,
    company_facebook_url: [...c.facebook],
    company_twitter_url: [...c.twitter],
    company_location_hq_full_address: hq.full,
    company_location_hq_country: hq.country,
    company_location_hq_regions: [...hq.regions],
    company_location_hq_country_iso2: hq.iso2,
    company_location_hq_country_iso3: hq.iso3,
    company_location_hq_city: hq.city,
    company_location_hq_state: hq.state,
    company_location_hq_street: hq.street,
    company_location_hq_zipcode: hq.zipcode,
    company_last_updated: c.lastUpdated,
    company_categories_and_keywords: [...c.keywords],
    company_stock_ticker: [...c.tickers],
    company_is_b2b: c.isB2b,
    company_annual_revenue: c.revenue,
    company_annual_revenue_currency: c.revenueCurrency,
    company_employees_count_change_yearly_percentage: c.growthPercent,
    company_last_funding_round_announced_date: c.fundingDate,
    company_last_funding_round_amount_raised: c.fundingAmount,
  };
}
