// Parses date strings with Elasticsearch date formats: the built-in names (strict_date_optional_time,
// epoch_millis, ...) and java.time patterns such as `yyyy-MM-dd HH:mm:ss` or `dd/MM/yyyy`,
// joined with `||`. Missing components are reported as absent so the caller can fill them the way
// Elasticsearch does for range bounds (start of period, or end of day when rounding up).

/** Components as written; `epochMs` is set instead for epoch formats. */
export interface DateFields {
  readonly epochMs?: number;
  readonly year?: number;
  readonly month?: number;
  readonly day?: number;
  readonly hour?: number;
  readonly minute?: number;
  readonly second?: number;
  readonly millis?: number;
  /** Offset written in the text itself (it overrides the query's `time_zone`). */
  readonly offset?: string;
}

type Slot = 'year' | 'year2' | 'month' | 'monthName' | 'day' | 'hour' | 'hour12' | 'ampm' | 'minute' | 'second'
  | 'fraction' | 'offset' | 'skip';

interface Compiled {
  readonly re: RegExp;
  readonly slots: readonly Slot[];
}

export class DateFormatError extends Error {}

const ISO = /^([+-]?\d{4,9})(?:-(\d{1,2})(?:-(\d{1,2})(?:T(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:[.,](\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const STRICT_ISO = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

const named: Readonly<Record<string, string>> = {
  date: 'yyyy-MM-dd', year_month_day: 'yyyy-MM-dd',
  date_time: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", date_time_no_millis: "yyyy-MM-dd'T'HH:mm:ssXXX",
  date_hour_minute_second_millis: "yyyy-MM-dd'T'HH:mm:ss.SSS", date_hour_minute_second_fraction: "yyyy-MM-dd'T'HH:mm:ss.SSS",
  date_hour_minute_second: "yyyy-MM-dd'T'HH:mm:ss", date_hour_minute: "yyyy-MM-dd'T'HH:mm", date_hour: "yyyy-MM-dd'T'HH",
  year_month: 'yyyy-MM', year: 'yyyy', basic_date: 'yyyyMMdd',
  basic_date_time: "yyyyMMdd'T'HHmmss.SSSX", basic_date_time_no_millis: "yyyyMMdd'T'HHmmssX",
};

const monthNames = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october',
  'november', 'december'];

const OFFSET_RE = '(Z|[+-]\\d{2}(?::?\\d{2})?)';

function letterToken(letter: string, count: number): [string, Slot] {
  const digits = count === 1 ? '(\\d{1,2})' : `(\\d{${count}})`;
  switch (letter) {
    case 'y': case 'u': case 'Y':
      return count === 2 ? ['(\\d{2})', 'year2'] : [count === 1 ? '(\\d{1,9})' : `(\\d{${count},9})`, 'year'];
    case 'M': case 'L':
      return count >= 3 ? ['([A-Za-z]{3,9})', 'monthName'] : [digits, 'month'];
    case 'd': return [digits, 'day'];
    case 'H': case 'k': return [digits, 'hour'];
    case 'h': case 'K': return [digits, 'hour12'];
    case 'a': return ['([AaPp][Mm])', 'ampm'];
    case 'm': return [digits, 'minute'];
    case 's': return [digits, 'second'];
    case 'S': return [`(\\d{${count}})`, 'fraction'];
    case 'X': case 'x': case 'Z': return [OFFSET_RE, 'offset'];
    case 'E': return ['([A-Za-z]{2,9})', 'skip'];
    default: throw new DateFormatError(`Unknown pattern letter: ${letter}`);
  }
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Compiles a java.time pattern (`'T'` literals and `[...]` optional sections included). */
function compilePattern(pattern: string): Compiled {
  let re = '';
  const slots: Slot[] = [];
  for (let i = 0; i < pattern.length;) {
    const ch = pattern[i] as string;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new DateFormatError(`Pattern ends with an incomplete string literal: ${pattern}`);
      re += end === i + 1 ? "'" : escapeRe(pattern.slice(i + 1, end));
      i = end + 1;
    } else if (ch === '[' || ch === ']') {
      re += ch === '[' ? '(?:' : ')?';
      i += 1;
    } else if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j += 1;
      const [part, slot] = letterToken(ch, j - i);
      re += part;
      slots.push(slot);
      i = j;
    } else {
      re += escapeRe(ch);
      i += 1;
    }
  }
  return { re: new RegExp(`^${re}$`), slots };
}

const cache = new Map<string, Compiled>();

function compiled(pattern: string): Compiled {
  let c = cache.get(pattern);
  if (!c) {
    c = compilePattern(pattern);
    cache.set(pattern, c);
  }
  return c;
}

function fromSlots(slots: readonly Slot[], groups: readonly (string | undefined)[]): DateFields | null {
  const f: { -readonly [K in keyof DateFields]: DateFields[K] } = {};
  let pm: boolean | null = null;
  slots.forEach((slot, k) => {
    const v = groups[k];
    if (v === undefined || slot === 'skip') return;
    if (slot === 'year') f.year = Number(v);
    else if (slot === 'year2') f.year = 2000 + Number(v);
    else if (slot === 'monthName') f.month = monthNames.findIndex((n) => n.startsWith(v.toLowerCase()) && v.length >= 3) + 1;
    else if (slot === 'ampm') pm = v.toLowerCase() === 'pm';
    else if (slot === 'fraction') f.millis = Math.floor(Number(`0.${v}`) * 1000);
    else if (slot === 'offset') f.offset = v;
    else f[slot === 'hour12' ? 'hour' : slot] = Number(v);
  });
  if (f.month === 0) return null;
  if (pm !== null && f.hour !== undefined) f.hour = (f.hour % 12) + (pm ? 12 : 0);
  return f;
}

function isoFields(m: RegExpExecArray): DateFields {
  const n = (k: number): number | undefined => (m[k] === undefined ? undefined : Number(m[k]));
  const fraction = m[7];
  return {
    year: Number(m[1]), month: n(2), day: n(3), hour: n(4), minute: n(5), second: n(6),
    ...(fraction !== undefined ? { millis: Math.floor(Number(`0.${fraction}`) * 1000) } : {}),
    ...(m[8] !== undefined ? { offset: m[8] } : {}),
  } as DateFields;
}

function valid(f: DateFields): boolean {
  if (f.epochMs !== undefined) return Number.isFinite(f.epochMs);
  const inRange = (v: number | undefined, lo: number, hi: number): boolean => v === undefined || (v >= lo && v <= hi);
  const days = new Date(Date.UTC(2000, f.month ?? 1, 0)).getUTCDate();
  const monthDays = f.year === undefined || f.month === undefined ? days : new Date(Date.UTC(f.year, f.month, 0)).getUTCDate();
  return inRange(f.year, -200_000, 200_000) && inRange(f.month, 1, 12) && inRange(f.day, 1, monthDays) && inRange(f.hour, 0, 23)
    && inRange(f.minute, 0, 59) && inRange(f.second, 0, 59);
}

function parseOne(text: string, format: string): DateFields | null {
  const name = format.replace(/^strict_/, '');
  if (name === 'epoch_millis' || name === 'epoch_second') {
    if (!/^-?\d+(\.\d+)?$/.test(text)) return null;
    return { epochMs: Math.floor(Number(text) * (name === 'epoch_second' ? 1000 : 1)) };
  }
  if (name === 'date_optional_time' || name === 'date_optional_time_nanos') {
    const m = (format.startsWith('strict_') ? STRICT_ISO : ISO).exec(text);
    return m ? isoFields(m) : null;
  }
  const c = compiled(named[name] ?? format);
  const m = c.re.exec(text);
  return m ? fromSlots(c.slots, m.slice(1)) : null;
}

/** Parses `text` with a `||`-separated list of formats; null when none accepts it. */
export function parseDateText(text: string, format: string): DateFields | null {
  for (const one of format.split('||')) {
    const f = parseOne(text.trim(), one.trim());
    if (f && valid(f)) return f;
  }
  return null;
}

/** Throws DateFormatError when a format cannot be used (an unsupported pattern letter). */
export function checkFormat(format: string): void {
  for (const one of format.split('||')) {
    const name = one.trim().replace(/^strict_/, '');
    if (['epoch_millis', 'epoch_second', 'date_optional_time', 'date_optional_time_nanos'].includes(name)) continue;
    compiled(named[name] ?? one.trim());
  }
}
