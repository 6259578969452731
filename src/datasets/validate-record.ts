// Validates one record against its dataset mapping, with Elasticsearch's own leniency:
// numbers may arrive as numeric strings (ES coerces them), keyword/text accept scalars,
// any non-nested field may hold an array of its values, null is always allowed.
// Unknown fields are kept (ES maps them dynamically) but are not searchable.
//
// The mapping is compiled once into a tree of small checker closures; the walk builds no strings
// unless a value is wrong, which keeps validation cheap on the import hot path.
import type { FieldDef, Mapping } from './mapping.js';

export type ValidationResult = { ok: true; id: number } | { ok: false; reason: string };

/** Returns null when the value is fine, else the reason with its path relative to the value. */
type Checker = (value: unknown) => string | null;

const integerRanges: Record<string, [number, number]> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

// Elasticsearch's default date format: strict_date_optional_time || epoch_millis.
const isoDate = /^\d{4}(-\d{2}(-\d{2}([T ]\d{2}(:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;
const sqlDateTime = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const asNumber = (v: unknown): unknown => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v);

function scalarChecker(field: FieldDef): Checker {
  const t = field.type;
  const range = integerRanges[t];
  if (range) {
    const [min, max] = range;
    return (value) => {
      const n = asNumber(value);
      if (typeof n !== 'number' || !Number.isInteger(n)) return `expected ${t}, got ${describe(value)} ${JSON.stringify(value)}`;
      return n < min || n > max ? `${t} out of range: ${n}` : null;
    };
  }
  if (t === 'double' || t === 'float') {
    return (value) => {
      const n = asNumber(value);
      return typeof n === 'number' && Number.isFinite(n) ? null : `expected ${t}, got ${describe(value)}`;
    };
  }
  if (t === 'boolean') {
    return (value) => (typeof value === 'boolean' || value === 'true' || value === 'false' ? null : `expected boolean, got ${describe(value)}`);
  }
  if (t === 'date') {
    const pattern = field.format === 'yyyy-MM-dd HH:mm:ss' ? sqlDateTime : isoDate;
    const suffix = field.format ? ` (format ${field.format})` : '';
    return (value) => {
      if (typeof value === 'number' && Number.isInteger(value)) return field.format ? `expected date in format ${field.format}` : null;
      if (typeof value !== 'string') return `expected date string, got ${describe(value)}`;
      return pattern.test(value) ? null : `invalid date ${JSON.stringify(value)}${suffix}`;
    };
  }
  // text and keyword: Elasticsearch indexes any scalar as its string form.
  return (value) =>
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? null : `expected string, got ${describe(value)}`;
}

const leaf = (f: FieldDef): string => f.path.slice(f.path.lastIndexOf('.') + 1);

function objectChecker(fields: readonly FieldDef[]): Checker {
  const entries = fields.map((f) => [leaf(f), fieldChecker(f)] as const);
  return (obj) => {
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return `: expected object, got ${describe(obj)}`;
    const record = obj as Record<string, unknown>;
    for (const [name, check] of entries) {
      const value = record[name];
      if (value === undefined || value === null) continue;
      const error = check(value);
      if (error !== null) return `.${name}${error}`;
    }
    return null;
  };
}

function fieldChecker(field: FieldDef): Checker {
  if (field.type === 'nested') {
    const item = objectChecker(field.children);
    return (value) => {
      if (!Array.isArray(value)) return `: expected array (nested), got ${describe(value)}`;
      for (let i = 0; i < value.length; i++) {
        const error = item(value[i]);
        if (error !== null) return `[${i}]${error}`;
      }
      return null;
    };
  }
  // `enabled: false`: stored as it comes, never indexed or checked.
  if (field.type === 'object' && !field.indexed) return () => null;
  if (field.type === 'object') {
    const item = objectChecker(field.children);
    return (value) => {
      for (const v of Array.isArray(value) ? value : [value]) {
        const error = v === null ? null : item(v);
        if (error !== null) return error;
      }
      return null;
    };
  }
  const scalar = scalarChecker(field);
  return (value) => {
    if (!Array.isArray(value)) {
      const error = scalar(value);
      return error === null ? null : `: ${error}`;
    }
    for (const v of value) {
      const error = v === null ? null : scalar(v);
      if (error !== null) return `: ${error}`;
    }
    return null;
  };
}

const compiled = new WeakMap<Mapping, Checker>();

/** Checks a parsed JSON value against the mapping; `id` must be a positive integer. */
export function validateRecord(mapping: Mapping, record: unknown): ValidationResult {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return { ok: false, reason: `expected a JSON object, got ${describe(record)}` };
  }
  const id = (record as Record<string, unknown>)['id'];
  if (id === undefined || id === null) return { ok: false, reason: 'missing required field "id"' };
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    return { ok: false, reason: `"id" must be a positive integer, got ${JSON.stringify(id)}` };
  }
  let check = compiled.get(mapping);
  if (!check) {
    check = objectChecker(mapping.roots);
    compiled.set(mapping, check);
  }
  const error = check(record);
  // Paths come back as ".a.b[2].c: reason"; drop the leading dot.
  return error === null ? { ok: true, id } : { ok: false, reason: error.replace(/^\./, '') };
}
