// The dictionaries the embedded store deflates records with (stored-record.ts), kept in
// records.db beside the records: a copy of the file (backup, restore) reads them back as they are.
// A dataset gets its dictionary from the first lines of its first import that brings enough of
// them (stored-record.ts, minDictionarySample); a record names the dictionary it was deflated
// with, so a dataset can hold records of several.
import type { Database, Statement } from 'better-sqlite3';
import type { DatasetName } from '../../datasets/datasets.js';
import { storedText, trainDictionary, type DictionaryLookup, type RecordDictionary, type StoredValue } from '../stored-record.js';

export class RecordDictionaries {
  private readonly byId = new Map<number, Uint8Array>();
  private readonly current = new Map<DatasetName, RecordDictionary>();
  private statements?: {
    one: Statement<[number], Uint8Array>;
    newest: Statement<[string], { id: number; bytes: Uint8Array }>;
    insert: Statement<[string, Uint8Array, string]>;
  };

  constructor(private readonly db: Database) {}

  /** Prepared on first use: a connection opened before migrating has no table to prepare them on yet. */
  private get sql(): NonNullable<RecordDictionaries['statements']> {
    return (this.statements ??= {
      one: this.db.prepare<[number], Uint8Array>('SELECT bytes FROM record_dictionaries WHERE id = ?').pluck(),
      newest: this.db.prepare('SELECT id, bytes FROM record_dictionaries WHERE dataset = ? ORDER BY id DESC LIMIT 1'),
      insert: this.db.prepare('INSERT INTO record_dictionaries (dataset, bytes, created_at) VALUES (?, ?, ?)'),
    });
  }

  /** A dictionary by id: kept once read (another process may have made it since this one started). */
  readonly lookup: DictionaryLookup = (id) => {
    let bytes = this.byId.get(id);
    if (bytes === undefined) {
      bytes = this.sql.one.get(id);
      if (bytes === undefined) throw new Error(`records.db holds no record dictionary ${id}`);
      this.byId.set(id, bytes);
    }
    return bytes;
  };

  /** A stored record's JSON text, whatever form it is kept in. */
  text(value: StoredValue): string {
    return storedText(value, this.lookup);
  }

  /** A stored record, parsed. */
  parse(value: StoredValue): Record<string, unknown> {
    return JSON.parse(storedText(value, this.lookup)) as Record<string, unknown>;
  }

  /** The dictionary new records of `dataset` are deflated with (null: none yet). */
  of(dataset: DatasetName): RecordDictionary | null {
    const known = this.current.get(dataset);
    if (known !== undefined) return known;
    const row = this.sql.newest.get(dataset);
    if (row === undefined) return null;
    const dictionary = { id: row.id, bytes: row.bytes };
    this.current.set(dataset, dictionary);
    this.byId.set(row.id, row.bytes);
    return dictionary;
  }

  /** The dataset's dictionary, made from `samples` when it has none (null: too few samples to make one of). */
  ensure(dataset: DatasetName, samples: readonly string[]): RecordDictionary | null {
    const have = this.of(dataset);
    if (have !== null) return have;
    const bytes = trainDictionary(samples);
    if (bytes === null) return null;
    this.sql.insert.run(dataset, bytes, new Date().toISOString());
    return this.of(dataset);
  }
}

const perDatabase = new WeakMap<Database, RecordDictionaries>();

/** The dictionaries of a records.db connection (one reader per connection). */
export function dictionariesOf(db: Database): RecordDictionaries {
  let d = perDatabase.get(db);
  if (d === undefined) perDatabase.set(db, (d = new RecordDictionaries(db)));
  return d;
}
