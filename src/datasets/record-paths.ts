// Walking a record along a dotted path, arrays flattened as Elasticsearch does for objects.

/** The objects at `relative` (e.g. `experience` or `inventors`) under `obj`. */
export function entriesAt(obj: Record<string, unknown>, relative: string): Record<string, unknown>[] {
  let current: unknown[] = [obj];
  for (const segment of relative.split('.')) {
    const next: unknown[] = [];
    for (const item of current) {
      if (item === null || typeof item !== 'object') continue;
      const v = (item as Record<string, unknown>)[segment];
      if (Array.isArray(v)) next.push(...v);
      else if (v !== undefined && v !== null) next.push(v);
    }
    current = next;
  }
  return current.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v));
}

/** The values at a path (segments) under `obj`, arrays flattened; explicit nulls are kept. */
export function valuesAt(obj: Record<string, unknown>, segments: readonly string[]): unknown[] {
  let current: unknown[] = [obj];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const item of current) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
      const value = (item as Record<string, unknown>)[segment];
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) next.push(v);
      else next.push(value);
    }
    current = next;
  }
  return current;
}
