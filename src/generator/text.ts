// Free text that depends on the person (summary, headlines). Sentence material comes from the
// seeded pools; only the cheap string assembly happens per person.

import { INDUSTRIES } from './catalog.js';
import { DEPARTMENTS } from './departments.js';
import type { Pools } from './pools.js';
import type { Prng } from './prng.js';

export interface SummaryInput {
  pools: Pools;
  rng: Prng;
  departmentIdx: number;
  careerYears: number;
  /** Display names of the person's top skills. */
  skills: readonly string[];
  /** Industry index of the most recent employer. */
  industry: number;
  city: string;
}

/** The "About" text: 2-5 sentences mixing a profile line, skills, and achievements. */
export function buildSummary(input: SummaryInput): string {
  const { rng, pools } = input;
  const dept = DEPARTMENTS[input.departmentIdx];
  const industry = inSentence(INDUSTRIES[input.industry].name);
  const area = inSentence(dept.area);
  const parts: string[] = [];
  parts.push(rng.pick([
    `${dept.area} professional with ${input.careerYears}+ years of experience in ${industry}.`,
    `Experienced ${area} specialist working in ${industry}.`,
    `${input.careerYears} years in ${area}, most recently in ${industry}.`,
  ]));
  if (input.skills.length >= 3) {
    parts.push(`Skilled in ${input.skills[0]}, ${input.skills[1]} and ${input.skills[2]}.`);
  }
  parts.push(...rng.pickDistinct(pools.sentences[input.departmentIdx], rng.int(1, 2)));
  if (rng.chance(0.5)) parts.push(`Passionate about helping teams ${rng.pick(pools.buzzPhrases)}.`);
  if (rng.chance(0.3)) parts.push(`Based in ${input.city}.`);
  return parts.join(' ');
}

/** Lower-cases a name for use mid-sentence, keeping acronyms: "IT Services" -> "IT services". */
function inSentence(name: string): string {
  return name.replace(/\b[A-Za-z][a-z]*\b/g, (word) => word.toLowerCase());
}

/** Clean `generated_headline`: "Senior Data Engineer | Python, Apache Spark, Airflow". */
export function generatedHeadline(title: string, skills: readonly string[]): string {
  return skills.length === 0 ? title : `${title} | ${skills.slice(0, 3).join(', ')}`;
}
