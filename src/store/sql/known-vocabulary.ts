// Vocabulary entries an importing process has already written, so each batch adds only new
// ones: re-inserting every token of every batch cost a quarter of an import's database time.

/** Vocabulary already in the table, per document type: `<col> <token>` keys. */
export class KnownVocabulary {
  private readonly byType = new Map<string, Set<string>>();
  private size = 0;

  constructor(private readonly max: number) {}

  has(type: string, key: string): boolean {
    return this.byType.get(type)?.has(key) ?? false;
  }

  /** Remembers keys once the transaction that inserted them committed (forgets all past `max`). */
  add(entries: readonly (readonly [string, string])[]): void {
    if (this.size + entries.length > this.max) {
      this.byType.clear();
      this.size = 0;
    }
    for (const [type, key] of entries) {
      let set = this.byType.get(type);
      if (!set) this.byType.set(type, (set = new Set()));
      if (!set.has(key)) {
        set.add(key);
        this.size++;
      }
    }
  }
}

