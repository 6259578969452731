// The term dictionary pattern expansion reads (wildcard, regexp, fuzzy, case-insensitive terms):
// filled by imports (terms reported once by each parse worker), by deferred indexing, and once
// from the full-text index for a store made before it existed; a pattern answers exactly like the
// reference evaluator whichever path filled it, on both stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { importFile } from '../src/ingest/import-file.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { referenceSearch } from '../src/query/reference/reference-matcher.js';
import { openRuntime, storeDir, type Runtime } from '../src/runtime.js';
import { prefixEnd } from '../src/search/index-terms.js';
import { makeHarness, people } from './helpers/harness.js';
import { testStore } from './helpers/pg-database.js';

type Rec = Record<string, unknown>;

const patterns: unknown[] = [
  { nested: { path: 'experience', query: { wildcard: { 'experience.title.exact': '*Engineer*' } } } },
  { nested: { path: 'experience', query: { wildcard: { 'experience.title.exact': '*yxwv*' } } } },
  { nested: { path: 'experience', query: { regexp: { 'experience.title': 'eng.*' } } } },
  { wildcard: { description: '*ata*' } },
  { fuzzy: { headline: { value: 'enginer' } } },
  { term: { 'full_name.exact': { value: 'ZYXWV QUARTZ', case_insensitive: true } } },
];

async function check(rt: Runtime, records: Rec[], now: number, label: string): Promise<void> {
  for (const query of patterns) {
    const request = parseSearchRequest({ query }, { mapping: rt.datasets.employee_clean.mapping, now });
    const page = await rt.store.search.search('employee_clean', { ...request, sort: 'id' }, null, 10_000);
    const want = referenceSearch(request.query, records).sort((a, b) => a - b);
    assert.deepEqual([...page.ids], want, `${label}: ${JSON.stringify(query)}`);
  }
}

/** A copy of a record with a title and a name no generated person has. */
function unusual(r: Rec): Rec {
  const experience = (r['experience'] as Rec[]).map((e, i) => (i === 0 ? { ...e, title: 'Zyxwvut Engineer' } : e));
  return { ...r, full_name: 'Zyxwv Quartz', experience };
}

test('imports, updates and deferred indexing keep the term dictionary exact for patterns', async () => {
  const h = await makeHarness();
  try {
    // 300 people: over 1 MB, so the import parses on worker threads, each reporting a term once.
    const data = people(300, 21).clean;
    const file = join(h.dir, 'people.jsonl');
    const write = (records: Rec[]) => writeFile(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await write(data);
    await importFile(h.rt.store, h.rt.datasets.employee_clean, file);
    await check(h.rt, data, h.clock.now(), 'first import');

    // A new title and name arrive with an update; the old ones stay in the dictionary but match nothing.
    const updated = data.map((r, i) => (i === 7 ? unusual(r) : r));
    await write([updated[7]!]);
    await importFile(h.rt.store, h.rt.datasets.employee_clean, file);
    await check(h.rt, updated, h.clock.now(), 'after an update');

    // Deferred: not searchable until indexed, then exact.
    const back = updated.map((r, i) => (i === 7 ? data[7]! : i === 8 ? unusual(r) : r));
    await write([back[7]!, back[8]!]);
    await importFile(h.rt.store, h.rt.datasets.employee_clean, file, { deferIndex: true });
    await h.rt.store.employees.indexPending('employee_clean');
    await check(h.rt, back, h.clock.now(), 'after deferred indexing');
  } finally {
    await h.close();
  }
});

test('a store made before the term dictionary gets it filled from its full-text index', { skip: testStore() === 'postgres' ? 'the embedded store\'s migration (PostgreSQL has had its vocabulary table from its first migration)' : false }, async () => {
  const h = await makeHarness();
  try {
    const data = people(120, 22).clean.map((r, i) => (i === 3 ? unusual(r) : r));
    await h.importRecords('employee_clean', data);
    await check(h.rt, data, h.clock.now(), 'imported');
    await h.rt.store.close();
    // Back to the schema version before the dictionary.
    const db = new Database(join(storeDir(h.config), 'records.db'));
    db.exec('DROP TABLE employee_clean_vocab; DROP TABLE employee_vocab; DROP TABLE dataset_schemas;');
    db.pragma('user_version = 5');
    db.close();
    const rt = await openRuntime(loadConfig({}, { dataDir: h.config.dataDir }));
    try {
      await check(rt, data, h.clock.now(), 'after the migration');
    } finally {
      await rt.store.close();
    }
  } finally {
    // The harness's store is closed already; close() closes it again harmlessly.
    await h.close().catch(() => undefined);
  }
});

test('the dictionary range of a prefix ends right after every term that starts with it', () => {
  assert.equal(prefixEnd(''), null);
  assert.equal(prefixEnd('ab'), 'ac');
  assert.equal(prefixEnd('Jo'), 'Jp');
  assert.equal(prefixEnd('a\u{10FFFF}'), 'b');
  assert.equal(prefixEnd('\u{10FFFF}'), null);
  assert.equal(prefixEnd('\uD7FF'), '\uE000');
  for (const term of ['Jo', 'Joe', 'Jo\u{10FFFE}x', 'Jo\uFFFF']) assert.ok(term >= 'Jo' && Buffer.compare(Buffer.from(term), Buffer.from(prefixEnd('Jo')!)) < 0, term);
});
