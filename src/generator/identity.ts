// Who a person is: name, profile slug, home city. Derived from its own PRNG stream so that any
// person's identity can be computed in isolation, e.g. when another profile links to them.

import { COUNTRIES, formatLocation } from './geo.js';
import type { Identity, PersonRef } from './model.js';
import type { Pools } from './pools.js';
import { fmix32, mixSeed, Prng, STREAM } from './prng.js';
import { memoize } from './memoize.js';
import { slugify } from './slug.js';

const PROFILE_URL_PREFIX = 'https://www.professional-network.example/in/';

const INITIALS = 'ABCDEFGHIJKLMNOPRSTVW';

export function buildIdentity(pools: Pools, seed: number, index: number, firstId: number): Identity {
  const rng = new Prng(mixSeed(seed, index, STREAM.identity));
  const countryIdx = pools.countryIndex.draw(rng);
  const cityIdx = pools.cityIndex[countryIdx].draw(rng);
  const names = pools.namesByCountry[countryIdx];
  const first = rng.pick(names.first);
  const last = rng.pick(names.last);
  const middle = rng.chance(0.12) ? `${rng.pick(INITIALS.split(''))}.` : null;
  const id = firstId + index;
  const shorthand = shorthandFor(first, last, id);
  return {
    index,
    id,
    first,
    middle,
    last,
    name: `${first} ${last}`,
    fullName: middle === null ? `${first} ${last}` : `${first} ${middle} ${last}`,
    shorthand,
    url: PROFILE_URL_PREFIX + shorthand,
    countryIdx,
    cityIdx,
    location: formatLocation(COUNTRIES[countryIdx], cityIdx),
  };
}

/**
 * "first-last-1a2b3c4d". The suffix is a bijective 32-bit mix of the id, so two different ids
 * can never share a suffix and shorthand names are unique without any global bookkeeping.
 */
export function shorthandFor(first: string, last: string, id: number): string {
  const suffix = fmix32((id ^ 0x5bd1e995) >>> 0).toString(16).padStart(8, '0');
  const base = [namePartSlug(first), namePartSlug(last)].filter((s) => s !== '').join('-');
  return base === '' ? `member-${suffix}` : `${base}-${suffix}`;
}

// Name parts come from finite pools, so their slugs are memoised (slugify dominated profiles).
const namePartSlug = memoize(slugify);

/**
 * Another person for referees, co-authors and "also viewed" links: someone within a few thousand
 * places of `index`. Identities are pure functions of (seed, index), so the link is stable and
 * does not depend on how many people are generated (it may point past the end of a small dataset,
 * just as real profiles link to people outside any given extract).
 */
export function otherPerson(pools: Pools, seed: number, index: number, firstId: number, rng: Prng): PersonRef {
  let other = index + rng.int(-5000, 5000);
  if (other < 0 || other === index) other = index + 1 + rng.int(0, 5000);
  const identity = buildIdentity(pools, seed, other, firstId);
  return { fullName: identity.name, url: identity.url, location: identity.location };
}
