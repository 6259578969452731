// URL slugs for people, companies and schools. Profile shorthand names must be [a-z0-9-], so
// accented and special Latin letters are folded to ASCII instead of being dropped.

const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ł: 'l', ø: 'o', ß: 'ss', đ: 'd', æ: 'ae', œ: 'oe', ı: 'i', þ: 'th', ð: 'd', ħ: 'h',
};

export function slugify(text: string): string {
  const folded = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[łøßđæœıþðħ]/g, (ch) => SPECIAL_LETTERS[ch] ?? '');
  return folded.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Upper-case initials of a company name, used for stock tickers ("Northwind Analytics" -> "NWAN"). */
export function tickerFor(name: string): string {
  const letters = slugify(name).replace(/-/g, '').toUpperCase();
  return letters.slice(0, 4) || 'XXXX';
}
