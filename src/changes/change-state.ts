// What change detection compares between two versions of a record, in a compact form computed
// once per imported record (on the import's worker threads) and stored beside it:
//   open   — the companies where the person holds an open position (no date_to), sorted;
//            a new company here is a started job, a missing one a closed job. A promotion (a new
//            title at the same company) leaves the set unchanged, as Coresignal's Clean
//            experience subscription requires (spec §7.4).
//   fields — a 32-bit FNV-1a hash of each top-level field's JSON, in the mapping's field order,
//            so the changed top-level fields can be named without keeping the old record.
import type { DatasetDefinition, DatasetName } from '../datasets/datasets.js';

export interface ChangeState {
  readonly open: string;
  readonly fields: string;
}

/** Datasets whose changes are tracked, and where each keeps its experience entries. */
const experiencePath: Partial<Record<DatasetName, string>> = { employee_clean: 'experience' };

export function tracksChanges(dataset: DatasetName): boolean {
  return experiencePath[dataset] !== undefined;
}

const separator = '\u001f';
const ignoredFields = new Set(['last_updated']);

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function openCompanies(entries: unknown): string {
  if (!Array.isArray(entries)) return '';
  const open = new Set<string>();
  for (const e of entries as Record<string, unknown>[]) {
    if (e === null || typeof e !== 'object' || (e['date_to'] !== null && e['date_to'] !== undefined) || e['deleted'] === 1) continue;
    const company = e['company_id'] ?? e['company_name'] ?? e['title'];
    open.add(typeof company === 'string' ? company.trim().toLowerCase() : String(company));
  }
  return [...open].sort().join(separator);
}

export function changeState(dataset: DatasetDefinition, record: Readonly<Record<string, unknown>>): ChangeState {
  const path = experiencePath[dataset.name] ?? '';
  // Ignored fields hash as null, so a change to them alone is no change.
  const fields = dataset.mapping.roots.map((f) => fnv1a(ignoredFields.has(f.path) ? 'null' : JSON.stringify(record[f.path] ?? null))).join('');
  return { open: openCompanies(record[path]), fields };
}

/** Positions (in the mapping's top-level field order) of the fields whose hash differs. */
export function changedFieldPositions(before: ChangeState, after: ChangeState): number[] {
  const changed: number[] = [];
  if (before.fields === after.fields) return changed;
  const n = Math.max(before.fields.length, after.fields.length) / 8;
  for (let i = 0; i < n; i++) {
    if (before.fields.slice(i * 8, i * 8 + 8) !== after.fields.slice(i * 8, i * 8 + 8)) changed.push(i);
  }
  return changed;
}

/** Field names of stored positions. */
export function fieldNames(dataset: DatasetDefinition, positions: readonly number[]): string[] {
  return positions.map((i) => dataset.mapping.roots[i]?.path).filter((p): p is string => p !== undefined);
}
