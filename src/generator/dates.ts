// Date arithmetic on "month indexes" (year * 12 + month - 1), which makes experience timelines
// simple integer ranges, plus the string formats the two datasets use.

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function monthIndex(year: number, month: number): number {
  return year * 12 + (month - 1);
}

export function yearOf(mi: number): number {
  return Math.floor(mi / 12);
}

export function monthOf(mi: number): number {
  return (mi % 12) + 1;
}

/** Clean format "2021-06". */
export function formatYearMonth(mi: number): string {
  const m = monthOf(mi);
  return `${yearOf(mi)}-${m < 10 ? '0' : ''}${m}`;
}

/** v1 format "Jun 2021". */
export function formatMonthYear(mi: number): string {
  return `${MONTH_NAMES[mi % 12]} ${yearOf(mi)}`;
}

/** v1 day format "May 2, 2024". */
export function formatMonthDayYear(mi: number, day: number): string {
  return `${MONTH_NAMES[mi % 12]} ${day}, ${yearOf(mi)}`;
}

/** Clean day format "2024-05-02". */
export function formatYearMonthDay(mi: number, day: number): string {
  return `${formatYearMonth(mi)}-${day < 10 ? '0' : ''}${day}`;
}

/** Months covered by an inclusive range: Jun 2021 to Jun 2021 is one month. */
export function monthsBetween(from: number, to: number): number {
  return to - from + 1;
}

/** "3 years 10 months", "1 year", "5 months": the wording both datasets use for durations. */
export function formatDuration(months: number): string {
  const years = Math.floor(months / 12);
  const rest = months % 12;
  const y = years === 0 ? '' : `${years} ${years === 1 ? 'year' : 'years'}`;
  const m = rest === 0 ? '' : `${rest} ${rest === 1 ? 'month' : 'months'}`;
  if (y === '' && m === '') return '0 months';
  return y === '' ? m : m === '' ? y : `${y} ${m}`;
}

/** Unix seconds for a UTC calendar time. */
export function unixSeconds(mi: number, day: number, secondOfDay: number): number {
  return Date.UTC(yearOf(mi), mi % 12, day) / 1000 + secondOfDay;
}

/** Month index of a Unix timestamp (UTC). */
export function monthIndexOfUnix(ts: number): number {
  const d = new Date(ts * 1000);
  return monthIndex(d.getUTCFullYear(), d.getUTCMonth() + 1);
}

/** v1 timestamp format "2024-11-20 08:00:01" (UTC). */
export function formatDateTime(ts: number): string {
  const iso = new Date(ts * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Clean `last_updated` format "2024-11-20" (UTC). */
export function formatDate(ts: number): string {
  return new Date(ts * 1000).toISOString().slice(0, 10);
}
