// Values checked and converted against the field type, the way Elasticsearch's field mappers do:
// numeric strings are coerced, dates become epoch milliseconds, keywords and text become strings.
import type { FieldDef } from '../datasets/mapping.js';
import type { RangeValue, Scalar } from './ast.js';
import { DateMathError, DEFAULT_DATE_FORMAT, resolveDateMath } from './date-math.js';
import { describe } from './json-read.js';
import { UTC, type Zone } from './time-zone.js';

/** A value the field can never hold: the query matches nothing (lenient) or fails (strict). */
export class ValueError extends Error {}

const integerLimits: Readonly<Record<string, readonly [number, number, string]>> = {
  byte: [-128, 127, 'a byte'],
  short: [-32768, 32767, 'a short'],
  integer: [-2147483648, 2147483647, 'an integer'],
  long: [-9223372036854775808, 9223372036854775807, 'a long'],
};

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function isNumericType(type: string): boolean {
  return type in integerLimits || type === 'double' || type === 'float';
}

function toNumber(raw: Scalar): number {
  if (typeof raw === 'number') return raw;
  const text = String(raw).trim();
  if (!NUMERIC.test(text)) throw new ValueError(`failed to create query: For input string: "${String(raw)}"`);
  return Number(text);
}

/** Sentinel for values that cannot equal anything stored (e.g. 1.5 on an integer field). */
export const NO_MATCH = Symbol('no match');

function integerTerm(def: FieldDef, raw: Scalar): number | typeof NO_MATCH {
  const n = toNumber(raw);
  // Elasticsearch answers "no documents" for a decimal on an integer field rather than failing.
  if (!Number.isInteger(n)) return NO_MATCH;
  const [lo, hi, name] = integerLimits[def.type] as readonly [number, number, string];
  if (n < lo || n > hi) throw new ValueError(`failed to create query: Value [${String(raw)}] is out of range for ${name}`);
  return n;
}

function booleanTerm(raw: Scalar): boolean {
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false' || raw === '') return false;
  throw new ValueError(`failed to create query: Can't parse boolean value [${String(raw)}], expected [true] or [false]`);
}

export function checkScalar(raw: unknown, q: string): Scalar {
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return raw;
  if (raw === null) throw new ValueError(`[${q}] value cannot be null`);
  throw new ValueError(`[${q}] query does not support ${describe(raw)} as a value`);
}

/** Converts a term value for a non-date field. Throws ValueError. */
export function termValue(def: FieldDef, raw: Scalar): Scalar | typeof NO_MATCH {
  if (def.type in integerLimits) return integerTerm(def, raw);
  if (def.type === 'double' || def.type === 'float') return toNumber(raw);
  if (def.type === 'boolean') return booleanTerm(raw);
  return String(raw);
}

export interface DateOptions {
  readonly now: number;
  /** The query's `format`, else the mapping's, else Elasticsearch's default. */
  readonly format?: string | undefined;
  readonly zone?: Zone | undefined;
}

export function dateValue(def: FieldDef, raw: Scalar, roundUp: boolean, opts: DateOptions): number {
  const format = opts.format ?? def.format ?? DEFAULT_DATE_FORMAT;
  try {
    return resolveDateMath(String(raw), { now: opts.now, roundUp, format, zone: opts.zone ?? UTC });
  } catch (e) {
    if (e instanceof DateMathError) throw new ValueError(`failed to create query: ${e.message}`);
    throw e;
  }
}

/** Converts one bound of a range. Throws ValueError. */
export function rangeValue(def: FieldDef, raw: Scalar, roundUp: boolean, opts: DateOptions): RangeValue {
  if (def.type === 'date') return dateValue(def, raw, roundUp, opts);
  if (isNumericType(def.type)) return toNumber(raw);
  if (def.type === 'boolean') throw new ValueError(`failed to create query: range queries on boolean field [${def.path}] are not supported`);
  return String(raw);
}
