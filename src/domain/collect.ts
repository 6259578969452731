// Collect: resolve an id, shorthand name or profile URL to one stored record.
import { isShorthandName, shorthandFromProfileUrl, type DatasetDefinition } from '../datasets/datasets.js';
import { validationError } from '../errors/catalogue.js';
import type { Store } from '../store/store.js';
import type { StoredRecord } from '../store/stored-record.js';

export type CollectKey = { readonly kind: 'id'; readonly id: number } | { readonly kind: 'shorthand'; readonly shorthand: string };

/** Digits only → id; a URL (or anything with a slash) → its `/<urlSegment>/<name>` part; else a shorthand name. */
export function parseCollectKey(raw: string, urlSegment: 'in' | 'company' | null): CollectKey | null {
  const key = raw.trim();
  if (/^\d{1,16}$/.test(key)) {
    const id = Number(key);
    return Number.isSafeInteger(id) ? { kind: 'id', id } : null;
  }
  if (key.includes('/') || key.includes(':')) {
    if (urlSegment === null) return null;
    const shorthand = shorthandFromProfileUrl(key, urlSegment);
    return shorthand ? { kind: 'shorthand', shorthand } : null;
  }
  return isShorthandName(key) ? { kind: 'shorthand', shorthand: key.toLowerCase() } : null;
}

/** The record as the store keeps it (text, or a gzip member of the text). */
export async function findRecord(store: Store, dataset: DatasetDefinition, key: CollectKey): Promise<StoredRecord | null> {
  return key.kind === 'id'
    ? store.employees.getStoredById(dataset.name, key.id)
    : store.employees.getStoredByShorthand(dataset.name, key.shorthand);
}

/** Whether an Accept-Encoding header allows gzip (`gzip` or `*` without q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let star = false;
  for (const part of header.toLowerCase().split(',')) {
    const [coding, ...params] = part.split(';').map((x) => x.trim());
    const q = params.find((p) => p.startsWith('q='));
    const allowed = q === undefined || Number(q.slice(2)) > 0;
    if (coding === 'gzip' || coding === 'x-gzip') return allowed;
    if (coding === '*') star = allowed;
  }
  return star;
}

/**
 * `?fields=a&fields=b` or `?fields=a,b` → the list of top-level fields to keep, checked against
 * the dataset mapping (an unknown name is a 422 naming it). Empty → no projection.
 */
export function parseFields(dataset: DatasetDefinition, raw: readonly string[] | undefined): string[] | null {
  if (!raw || raw.length === 0) return null;
  const names = raw.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) return null;
  const top = new Set(dataset.mapping.roots.map((f) => f.path));
  const unknown = names.filter((n) => !top.has(n));
  if (unknown.length > 0) {
    throw validationError(
      unknown.map((n) => ({ loc: ['query', 'fields'], msg: `unknown field '${n}' for dataset ${dataset.name}`, type: 'value_error.field' })),
    );
  }
  return [...new Set(names)];
}

export function projectJson(json: string, fields: readonly string[]): string {
  const record = JSON.parse(json) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = record[f] === undefined ? null : record[f];
  return JSON.stringify(out);
}
