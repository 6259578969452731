// Sections only the v1 ("member") dataset has: groups, interests, projects, websites, "people also
// viewed", volunteering and so on. They are sparse in real data, so most people get few or none.

import { CAUSES, COURSE_SUGGESTIONS, INTERESTS, VOLUNTEER_OPPORTUNITIES, VOLUNTEER_ROLES, VOLUNTEER_SUPPORTS } from './catalog.js';
import { otherPerson } from './identity.js';
import type { ActivityEntry, PersonRef, ProjectEntry, V1Extras, VolunteeringEntry } from './model.js';
import type { Prng } from './prng.js';
import type { SectionContext } from './sections.js';
import { slugify } from './slug.js';

function indexesOf(rng: Prng, size: number, count: number): number[] {
  return rng.pickDistinct(Array.from({ length: size }, (_, i) => i), count);
}

function others(ctx: SectionContext, count: number): PersonRef[] {
  const list: PersonRef[] = [];
  for (let k = 0; k < count; k++) list.push(otherPerson(ctx.pools, ctx.seed, ctx.identity.index, ctx.firstId, ctx.rng));
  return list;
}

function buildProjects(ctx: SectionContext): ProjectEntry[] {
  const { rng } = ctx;
  const count = rng.pickIndexByWeights([65, 25, 10]);
  return rng.pickDistinct(ctx.pools.projectNames, count).map((name) => {
    const fromYear = Math.floor(rng.int(ctx.careerStart, ctx.asOfMonth) / 12);
    return {
      name,
      url: rng.chance(0.4) ? `https://github.example/${ctx.identity.shorthand}/${slugify(name)}` : null,
      description: rng.chance(0.6) ? rng.pick(ctx.pools.sentences[ctx.departmentIdx]) : null,
      fromYear,
      toYear: rng.chance(0.3) ? null : fromYear + rng.int(0, 2),
      teamMembers: rng.chance(0.3) ? others(ctx, rng.int(1, 2)).map((p) => p.fullName).join(', ') : null,
    };
  });
}

function buildVolunteering(ctx: SectionContext): VolunteeringEntry[] {
  const { rng } = ctx;
  if (!rng.chance(0.2)) return [];
  const cause = rng.int(0, CAUSES.length - 1);
  const from = rng.int(ctx.careerStart, ctx.asOfMonth);
  const organization = `${CAUSES[cause]} ${rng.pick(['Foundation', 'Trust', 'Network', 'Alliance'])}`;
  return [{
    organization,
    role: rng.pick(VOLUNTEER_ROLES),
    cause,
    from,
    to: rng.chance(0.5) ? null : Math.min(ctx.asOfMonth, from + rng.int(3, 36)),
    description: rng.chance(0.5) ? `Volunteering with the ${organization}.` : null,
    organizationUrl: rng.chance(0.5) ? `https://www.professional-network.example/company/${slugify(organization)}` : null,
  }];
}

export function buildV1Extras(ctx: SectionContext, activity: readonly ActivityEntry[]): V1Extras {
  const { rng, identity } = ctx;
  const groupCount = rng.pickIndexByWeights([40, 25, 20, 15]);
  return {
    groups: rng.pickDistinct(ctx.pools.groupNames, groupCount).map((name) => ({
      name,
      url: `https://www.professional-network.example/groups/${rng.int(1000000, 9999999)}`,
    })),
    interests: indexesOf(rng, INTERESTS.length, rng.pickIndexByWeights([60, 20, 12, 8])),
    projects: buildProjects(ctx),
    websites: rng.chance(0.25) ? [rng.chance(0.5) ? `https://${identity.shorthand}.example` : `https://github.example/${identity.shorthand}`] : [],
    alsoViewed: others(ctx, rng.int(0, 5)),
    similarProfiles: others(ctx, rng.int(0, 3)).map((p) => p.url),
    postUrls: activity.slice(0, rng.int(0, activity.length)).map((a) => a.url),
    courseSuggestions: indexesOf(rng, COURSE_SUGGESTIONS.length, rng.pickIndexByWeights([70, 20, 10])),
    cares: indexesOf(rng, CAUSES.length, rng.pickIndexByWeights([70, 18, 12])),
    opportunities: indexesOf(rng, VOLUNTEER_OPPORTUNITIES.length, rng.pickIndexByWeights([85, 15])),
    supports: indexesOf(rng, VOLUNTEER_SUPPORTS.length, rng.pickIndexByWeights([88, 12])),
    volunteering: buildVolunteering(ctx),
  };
}
