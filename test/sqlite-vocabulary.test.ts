// The embedded store's vocabulary table (pattern expansion reads it instead of fts5vocab): written
// with the index, forgotten with a rolled-back transaction, and filled once for a store made
// before the table existed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadDatasets } from '../src/datasets/datasets.js';
import { encodeToken } from '../src/search/index-documents.js';
import { migrate, recordMigrations } from '../src/store/sqlite/migrations.js';
import { ftsTable, vocabTable } from '../src/store/sqlite/search-schema.js';
import { SqliteIndexWriter } from '../src/store/sqlite/sqlite-index-writer.js';
import { people, tempDir } from './helpers/harness.js';

const ds = loadDatasets();
const layouts = { employee: ds.employee.layout, employee_clean: ds.employee_clean.layout };
const layout = layouts.employee_clean;
const jobTitle = layout.tokenField.get('job_title.exact')!.column;

async function newDb(version?: number): Promise<Database.Database> {
  const db = new Database(join(await tempDir('rollcall-vocab-'), 'records.db'));
  migrate(db, recordMigrations(layouts).slice(0, version));
  return db;
}

const terms = (db: Database.Database, col: number): string[] =>
  (db.prepare(`SELECT term FROM ${vocabTable('employee_clean')} WHERE type = '' AND col = ? ORDER BY term`).all(col) as { term: string }[]).map((r) => r.term);

test('terms are written with the index; a rolled-back transaction leaves none behind and they are written again later', async () => {
  const db = await newDb();
  try {
    const writer = new SqliteIndexWriter(db, 'employee_clean', layout);
    const record: Record<string, unknown> = { ...people(1, 3).clean[0]!, job_title: 'Quantum Plumber' };
    const docs = writer.documents(record);
    const write = db.transaction(() => writer.write(Number(record['id']), docs));
    assert.throws(() => writer.settling(() => db.transaction(() => {
      write();
      throw new Error('batch failed');
    })()), /batch failed/);
    assert.deepEqual(terms(db, jobTitle), [], 'the rollback took the terms with it');
    // The writer must not believe they were written: the next transaction writes them.
    writer.settling(() => write());
    assert.deepEqual(terms(db, jobTitle), [encodeToken('Quantum Plumber')]);
    // Neither the exists marker nor the gap filler is a term a pattern can expand to.
    assert.ok(terms(db, layout.tokenField.get('description')!.column).every((t) => t !== '\u00b5' && t !== '\u00b5g'));
  } finally {
    db.close();
  }
});

test('a store made before the vocabulary table gets the terms its FTS index already holds', async () => {
  const db = await newDb(5);
  try {
    const cols = layout.docTypes[0]!.tokenFields.map((f) => `c${f.column}`);
    const values = cols.map((c) => (c === `c${jobTitle}` ? `${encodeToken('Night Auditor')} \u00b5` : ''));
    db.prepare(`INSERT INTO ${ftsTable('employee_clean', '')} (rowid, ${cols.join(', ')}) VALUES (7, ${cols.map(() => '?').join(', ')})`).run(...values);
    assert.equal(migrate(db, recordMigrations(layouts)), 5);
    assert.ok(terms(db, jobTitle).includes(encodeToken('Night Auditor')));
  } finally {
    db.close();
  }
});
