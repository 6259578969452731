// The job-title synonym table behind `semantic_search` (spec current/ §4.3): for a title, the
// titles that mean nearly the same, each with a confidence in 0..1. The default table is built
// deterministically from the generator's title catalogue (the titles the demo and bench people
// hold); ROLLCALL_SEMANTIC_SYNONYMS names a JSON file with a table for real data:
//   {"software engineer": [{"title": "Software Developer", "confidence": 0.92}, ...], ...}
// Keys are matched case- and space-insensitively; titles are injected as written.
import { readFileSync } from 'node:fs';
import { DEPARTMENTS } from '../generator/departments.js';

export interface Synonym {
  readonly title: string;
  readonly confidence: number;
}

export type SynonymTable = ReadonlyMap<string, readonly Synonym[]>;

export function titleKey(title: string): string {
  return title.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Words of a title, with the words that name the same kind of job made one. */
function words(title: string): Set<string> {
  const same: Record<string, string> = { developer: 'engineer', programmer: 'engineer', specialist: 'analyst', representative: 'associate' };
  return new Set(titleKey(title).split(' ').map((w) => same[w] ?? w));
}

/** 0.5 plus half the share of words two titles have in common (Jaccard), two decimals. */
export function titleConfidence(a: string, b: string): number {
  const x = words(a);
  const y = words(b);
  const common = [...x].filter((w) => y.has(w)).length;
  return Math.round((0.5 + 0.5 * (common / new Set([...x, ...y]).size)) * 100) / 100;
}

function add(table: Map<string, Synonym[]>, from: string, to: string, confidence: number): void {
  if (titleKey(from) === titleKey(to)) return;
  const list = table.get(titleKey(from)) ?? [];
  const at = list.findIndex((s) => titleKey(s.title) === titleKey(to));
  if (at >= 0) {
    if (list[at]!.confidence >= confidence) return;
    list.splice(at, 1);
  }
  list.push({ title: to, confidence });
  table.set(titleKey(from), list);
}

/**
 * The catalogue's table: within a department, roles relate by `titleConfidence` (also at the
 * same seniority: "Senior X" ~ "Senior Y"), "Senior X" ~ "Lead X" (0.9), managers ~ each other
 * (0.85), and each department's two spellings of director and vice president (0.98).
 */
export function catalogueSynonyms(): SynonymTable {
  const table = new Map<string, Synonym[]>();
  for (const d of DEPARTMENTS) {
    for (const a of d.roles) {
      add(table, `Senior ${a}`, `Lead ${a}`, 0.9);
      add(table, `Lead ${a}`, `Senior ${a}`, 0.9);
      for (const b of d.roles) {
        const c = titleConfidence(a, b);
        for (const [pre, post] of [['', ''], ['Senior ', ''], ['Lead ', ''], ['', ' Intern']] as const) add(table, `${pre}${a}${post}`, `${pre}${b}${post}`, c);
      }
    }
    for (const a of d.managers) for (const b of d.managers) add(table, a, b, 0.85);
    add(table, `Director of ${d.area}`, `${d.area} Director`, 0.98);
    add(table, `${d.area} Director`, `Director of ${d.area}`, 0.98);
    add(table, `Vice President of ${d.area}`, `VP ${d.area}`, 0.98);
    add(table, `VP ${d.area}`, `Vice President of ${d.area}`, 0.98);
  }
  for (const list of table.values()) list.sort((x, y) => y.confidence - x.confidence || x.title.localeCompare(y.title));
  return table;
}

/** A table from a JSON file (format above); throws an Error naming what is wrong. */
export function loadSynonymFile(file: string): SynonymTable {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`ROLLCALL_SEMANTIC_SYNONYMS: cannot read ${file}: ${(error as Error).message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`ROLLCALL_SEMANTIC_SYNONYMS: ${file} must hold a JSON object of title: [{title, confidence}]`);
  const table = new Map<string, Synonym[]>();
  for (const [title, list] of Object.entries(raw as Record<string, unknown>)) {
    if (!Array.isArray(list)) throw new Error(`ROLLCALL_SEMANTIC_SYNONYMS: the synonyms of "${title}" must be a list`);
    for (const s of list as unknown[]) {
      const o = s as Record<string, unknown> | null;
      if (o === null || typeof o !== 'object' || typeof o['title'] !== 'string' || typeof o['confidence'] !== 'number' || !(o['confidence'] >= 0 && o['confidence'] <= 1)) {
        throw new Error(`ROLLCALL_SEMANTIC_SYNONYMS: each synonym of "${title}" needs a title and a confidence between 0 and 1`);
      }
      add(table, title, o['title'], o['confidence']);
    }
  }
  return table;
}
