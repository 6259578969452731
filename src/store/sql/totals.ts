// Changes to a dataset's field totals (the BM25 statistics both stores keep: field-lengths.ts,
// pg-index-writer.ts), added up per (document type, column) before they are written.

/** Changes to the field totals, one per (type, column): a record's nested entries add up before they are written. */
export class Totals {
  private readonly by = new Map<string, { type: string; col: number; docs: number; tokens: number }>();

  count(type: string, lens: readonly number[], sign: number): void {
    lens.forEach((len, col) => {
      if (len === 0) return;
      const key = `${type}\t${col}`;
      const t = this.by.get(key) ?? { type, col, docs: 0, tokens: 0 };
      t.docs += sign;
      t.tokens += sign * len;
      this.by.set(key, t);
    });
  }

  each(f: (type: string, col: number, docs: number, tokens: number) => void): void {
    for (const t of this.by.values()) if (t.docs !== 0 || t.tokens !== 0) f(t.type, t.col, t.docs, t.tokens);
  }
}
