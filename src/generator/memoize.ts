/** Caches a one-argument string function; for the generator's finite pools of repeated values. */
export function memoize(fn: (value: string) => string): (value: string) => string {
  const cache = new Map<string, string>();
  return (value) => {
    let out = cache.get(value);
    if (out === undefined) {
      out = fn(value);
      cache.set(value, out);
    }
    return out;
  };
}
