// The `range` query: gt/gte/lt/lte, the legacy from/to/include_lower/include_upper form, and for
// dates `format`, `time_zone` and date math (bounds become epoch milliseconds).
import type { Query, Scalar } from './ast.js';
import { checkFormat, DateFormatError } from './date-format.js';
import { resolveField } from './fields.js';
import { eachParam, readBool, readBoost, readEnum, readObject, readString, singleField } from './json-read.js';
import { buildRange } from './leaf-builders.js';
import { invalid } from './query-errors.js';
import type { Site } from './parse-context.js';
import { parseZone, type Zone } from './time-zone.js';
import { checkScalar, ValueError } from './values.js';

interface RangeSpec {
  from: Scalar | null;
  to: Scalar | null;
  includeLower: boolean;
  includeUpper: boolean;
  format?: string;
  timeZone?: string;
  boost: number;
}

function bound(raw: unknown, site: Site): Scalar | null {
  if (raw === null) return null; // Elasticsearch treats a null bound as unbounded
  try {
    return checkScalar(raw, 'range');
  } catch (e) {
    if (e instanceof ValueError) invalid(e.message, site.at);
    throw e;
  }
}

/** Reads the parameters in order, as Elasticsearch does: later keys override earlier ones. */
function readSpec(obj: Record<string, unknown>, site: Site): RangeSpec {
  const r: RangeSpec = { from: null, to: null, includeLower: true, includeUpper: true, boost: 1 };
  const at = site.at;
  eachParam(obj, 'range', at, {
    gt: (v) => { r.from = bound(v, site); r.includeLower = false; },
    gte: (v) => { r.from = bound(v, site); r.includeLower = true; },
    lt: (v) => { r.to = bound(v, site); r.includeUpper = false; },
    lte: (v) => { r.to = bound(v, site); r.includeUpper = true; },
    from: (v) => { r.from = bound(v, site); },
    to: (v) => { r.to = bound(v, site); },
    include_lower: (v) => { r.includeLower = readBool(v, 'range', 'include_lower', at); },
    include_upper: (v) => { r.includeUpper = readBool(v, 'range', 'include_upper', at); },
    format: (v) => { r.format = readString(v, 'range', 'format', at); },
    time_zone: (v) => { r.timeZone = readString(v, 'range', 'time_zone', at); },
    relation: (v) => { readEnum(v, ['intersects', 'contains', 'within'], 'range', 'relation', at); },
    boost: (v) => { r.boost = readBoost(v, 'range', at); },
  });
  return r;
}

export function checkTimeZone(text: string, at: string): Zone {
  const zone = parseZone(text);
  if (!zone) invalid(`failed to create query: Unknown time-zone ID: ${text}`, at);
  return zone;
}

export function checkDateFormat(format: string, q: string, at: string): void {
  try {
    checkFormat(format);
  } catch (e) {
    if (e instanceof DateFormatError) invalid(`[${q}] Invalid format: [${format}]: ${e.message}`, at);
    throw e;
  }
}

export function parseRange(body: unknown, site: Site): Query {
  const [path, spec] = singleField(body, 'range', site.at);
  const r = readSpec(readObject(spec, 'range', site.at), site);
  const field = resolveField(site, path, 'range');
  const isDate = field.def.type === 'date';
  if (r.timeZone !== undefined && !isDate) invalid(`[range] time_zone can not be applied to non date field [${path}]`, site.at);
  if (r.format !== undefined && !isDate) invalid(`[range] format can not be applied to non date field [${path}]`, site.at);
  if (r.format !== undefined) checkDateFormat(r.format, 'range', site.at);
  const zone = r.timeZone === undefined ? undefined : checkTimeZone(r.timeZone, site.at);
  return buildRange(site, field, r, r.boost, { now: site.ctx.now, format: r.format, zone });
}
