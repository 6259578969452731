// Validates one record against its dataset mapping, with Elasticsearch's own leniency:
// numbers may arrive as numeric strings (ES coerces them), keyword/text accept scalars,
// any non-nested field may hold an array of its values, null is always allowed.
// Unknown fields are kept (ES maps them dynamically) but are not searchable.
import type { FieldDef, Mapping } from './mapping.js';

export type ValidationResult = { ok: true; id: number } | { ok: false; reason: string };

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

function checkScalar(field: FieldDef, value: unknown): string | null {
  const t = field.type;
  const range = integerRanges[t];
  if (range) {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n)) return `expected ${t}, got ${describe(value)} ${JSON.stringify(value)}`;
    if (n < range[0] || n > range[1]) return `${t} out of range: ${n}`;
    return null;
  }
  if (t === 'double' || t === 'float') {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    return typeof n === 'number' && Number.isFinite(n) ? null : `expected ${t}, got ${describe(value)}`;
  }
  if (t === 'boolean') return typeof value === 'boolean' || value === 'true' || value === 'false' ? null : `expected boolean, got ${describe(value)}`;
  if (t === 'date') {
    if (typeof value === 'number' && Number.isInteger(value)) return field.format ? `expected date in format ${field.format}` : null;
    if (typeof value !== 'string') return `expected date string, got ${describe(value)}`;
    const ok = field.format === 'yyyy-MM-dd HH:mm:ss' ? sqlDateTime.test(value) : isoDate.test(value);
    return ok ? null : `invalid date ${JSON.stringify(value)}${field.format ? ` (format ${field.format})` : ''}`;
  }
  // text and keyword: Elasticsearch indexes any scalar as its string form.
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? null
    : `expected string, got ${describe(value)}`;
}

function checkObject(fields: readonly FieldDef[], obj: unknown, path: string): string | null {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return `${path}: expected object, got ${describe(obj)}`;
  const record = obj as Record<string, unknown>;
  for (const field of fields) {
    const value = record[field.path.slice(field.path.lastIndexOf('.') + 1)];
    if (value === undefined || value === null) continue;
    const error = checkField(field, value, path ? `${path}.${leaf(field)}` : leaf(field));
    if (error) return error;
  }
  return null;
}

const leaf = (f: FieldDef): string => f.path.slice(f.path.lastIndexOf('.') + 1);

function checkField(field: FieldDef, value: unknown, path: string): string | null {
  if (field.type === 'nested') {
    if (!Array.isArray(value)) return `${path}: expected array (nested), got ${describe(value)}`;
    for (let i = 0; i < value.length; i++) {
      const error = checkObject(field.children, value[i], `${path}[${i}]`);
      if (error) return error;
    }
    return null;
  }
  if (field.type === 'object') {
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (item === null) continue;
      const error = checkObject(field.children, item, path);
      if (error) return error;
    }
    return null;
  }
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (item === null) continue;
    const error = checkScalar(field, item);
    if (error) return `${path}: ${error}`;
  }
  return null;
}

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
  const error = checkObject(mapping.roots, record, '');
  return error ? { ok: false, reason: error } : { ok: true, id };
}
