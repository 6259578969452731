// Elasticsearch date math (`now-1y/d`, `2020-01-01||+1M/d`) resolved to epoch milliseconds.
// Rounding follows Elasticsearch's range semantics: a bound that "rounds up" (gt, lte) moves to the
// last millisecond of the rounded unit, and a date missing its time of day is completed with
// 23:59:59.999 (month and day still default to 01, as Elasticsearch documents).
import { DateFormatError, parseDateText, type DateFields } from './date-format.js';
import { parseOffset, UTC, utcToWall, wallToUtc, type Zone } from './time-zone.js';

export class DateMathError extends Error {}

export interface DateMathOptions {
  readonly now: number;
  /** true for `gt` and `lte` bounds. */
  readonly roundUp: boolean;
  /** The field's format (mapping or the query's `format`). */
  readonly format: string;
  readonly zone: Zone;
}

export const DEFAULT_DATE_FORMAT = 'strict_date_optional_time||epoch_millis';

function wallFromFields(f: DateFields, roundUp: boolean): number {
  const end = (v: number | undefined, max: number): number => v ?? (roundUp ? max : 0);
  const millis = f.millis ?? (roundUp ? 999 : 0);
  const d = new Date(Date.UTC(2000, (f.month ?? 1) - 1, f.day ?? 1, end(f.hour, 23), end(f.minute, 59), end(f.second, 59), millis));
  d.setUTCFullYear(f.year ?? 1970);
  return d.getTime();
}

/** Parses a date (no math) into a wall-clock time and the zone that wall clock belongs to. */
function parseAnchor(text: string, opts: DateMathOptions, roundUp: boolean): { wall: number; zone: Zone } {
  const f = parseDateText(text, opts.format);
  if (!f) throw new DateMathError(`failed to parse date field [${text}] with format [${opts.format}]`);
  if (f.epochMs !== undefined) return { wall: f.epochMs, zone: UTC };
  const own = f.offset !== undefined ? parseOffset(f.offset) : null;
  const zone: Zone = own !== null ? { kind: 'fixed', offsetMs: own } : opts.zone;
  return { wall: wallFromFields(f, roundUp), zone };
}

function addUnits(wall: number, unit: string, n: number, math: string): number {
  const d = new Date(wall);
  switch (unit) {
    case 'y': case 'M': {
      // java.time plusMonths/plusYears: clamp the day to the target month's length.
      const months = unit === 'y' ? n * 12 : n;
      const day = d.getUTCDate();
      d.setUTCDate(1);
      d.setUTCMonth(d.getUTCMonth() + months);
      const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
      d.setUTCDate(Math.min(day, last));
      return d.getTime();
    }
    case 'w': return wall + n * 7 * 86_400_000;
    case 'd': return wall + n * 86_400_000;
    case 'h': case 'H': return wall + n * 3_600_000;
    case 'm': return wall + n * 60_000;
    case 's': return wall + n * 1000;
    default: throw new DateMathError(`unit [${unit}] not supported for date math [${math}]`);
  }
}

function truncate(wall: number, unit: string, math: string): number {
  const d = new Date(wall);
  switch (unit) {
    case 'y': return Date.UTC(d.getUTCFullYear(), 0, 1);
    case 'M': return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'w': return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    case 'd': return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case 'h': case 'H': return wall - (((wall % 3_600_000) + 3_600_000) % 3_600_000);
    case 'm': return wall - (((wall % 60_000) + 60_000) % 60_000);
    case 's': return wall - (((wall % 1000) + 1000) % 1000);
    default: throw new DateMathError(`unit [${unit}] not supported for date math [${math}]`);
  }
}

function applyMath(start: number, math: string, roundUp: boolean): number {
  let wall = start;
  let i = 0;
  while (i < math.length) {
    const op = math[i++];
    if (op !== '/' && op !== '+' && op !== '-') throw new DateMathError(`operator not supported for date math [${math}]`);
    if (i >= math.length) throw new DateMathError(`truncated date math [${math}]`);
    const digits = /^\d+/.exec(math.slice(i))?.[0] ?? '';
    if (op === '/' && digits) throw new DateMathError(`rounding \`/\` can only be used on single unit types [${math}]`);
    i += digits.length;
    if (i >= math.length) throw new DateMathError(`truncated date math [${math}]`);
    const unit = math[i++] as string;
    if (op === '/') {
      wall = truncate(wall, unit, math);
      if (roundUp) wall = addUnits(wall, unit, 1, math) - 1;
    } else {
      wall = addUnits(wall, unit, (op === '-' ? -1 : 1) * (digits ? Number(digits) : 1), math);
    }
  }
  return wall;
}

/** Resolves a date or date-math expression to epoch milliseconds. Throws DateMathError. */
export function resolveDateMath(text: string, opts: DateMathOptions): number {
  try {
    if (text.startsWith('now')) {
      return wallToUtc(opts.zone, applyMath(utcToWall(opts.zone, opts.now), text.slice(3), opts.roundUp));
    }
    const sep = text.indexOf('||');
    if (sep < 0) {
      const { wall, zone } = parseAnchor(text, opts, opts.roundUp);
      return wallToUtc(zone, wall);
    }
    // As in Elasticsearch, the anchor of an expression is parsed without rounding up; only the math rounds.
    const { wall, zone } = parseAnchor(text.slice(0, sep), opts, false);
    return wallToUtc(zone, applyMath(wall, text.slice(sep + 2), opts.roundUp));
  } catch (e) {
    if (e instanceof DateFormatError) throw new DateMathError(`Invalid format: [${opts.format}]: ${e.message}`);
    throw e;
  }
}
