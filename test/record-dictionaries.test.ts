// The embedded store keeps records deflated with a dictionary made from its dataset's first
// imported lines: every record reads back as it was imported, on this connection and on any other
// (a copy of records.db, a search or postings thread), and re-importing the same lines is seen
// as no change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeHarness, people, type Harness } from './helpers/harness.js';
import { storeDir } from '../src/runtime.js';
import { dictionariesOf } from '../src/store/sqlite/record-dictionaries.js';
import { storedText } from '../src/store/stored-record.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { referenceSearch } from '../src/query/reference/reference-matcher.js';

let h: Harness;
const data = people(60, 5);

before(async () => {
  h = await makeHarness();
  await h.importRecords('employee_clean', data.clean.slice(0, 40), true);
});
after(() => h.close());

const open = (): Database.Database => new Database(join(storeDir(h.config), 'records.db'), { readonly: true });

test('the first import makes one dictionary for the dataset, of its first lines, and keeps every record deflated with it', async () => {
  const db = open();
  try {
    const dictionaries = db.prepare('SELECT id, dataset, length(bytes) AS size FROM record_dictionaries').all() as { id: number; dataset: string; size: number }[];
    assert.equal(dictionaries.length, 1);
    assert.equal(dictionaries[0]!.dataset, 'employee_clean');
    const firstLines = data.clean.slice(0, 40).map((r) => JSON.stringify(r)).join('\n');
    assert.equal(dictionaries[0]!.size, Math.min(32 * 1024, Buffer.byteLength(firstLines)));
    const rows = db.prepare('SELECT id, record FROM employee_clean_records').all() as { id: number; record: Buffer }[];
    assert.equal(rows.length, 40);
    let kept = 0;
    let text = 0;
    for (const row of rows) {
      assert.equal(row.record[0], 1, `record ${row.id} deflated with a dictionary`);
      assert.equal(row.record.readUInt32LE(1), dictionaries[0]!.id);
      // Read on a connection of its own, as a copy of the file or another thread reads it.
      const json = storedText(row.record, dictionariesOf(db).lookup);
      assert.deepEqual(JSON.parse(json), data.clean.find((r) => r['id'] === row.id));
      kept += row.record.length;
      text += Buffer.byteLength(json);
    }
    assert.ok(kept * 4 < text, `${kept} bytes kept for ${text} bytes of JSON`);
  } finally {
    db.close();
  }
  for (const r of data.clean.slice(0, 40)) assert.equal(await h.rt.store.employees.getJsonById('employee_clean', r['id'] as number), JSON.stringify(r));
});

test('later imports reuse the dictionary; the same lines again are no change; a changed record reads back changed', async () => {
  const seq = await h.rt.store.employees.lastChangeSeq('employee_clean');
  await h.importRecords('employee_clean', data.clean.slice(0, 40));
  assert.equal(await h.rt.store.employees.lastChangeSeq('employee_clean'), seq, 'identical records recorded no change');
  const changed: Record<string, unknown> = { ...data.clean[3]!, headline: 'Chief Dictionary Officer' };
  await h.importRecords('employee_clean', [changed, ...data.clean.slice(40)]);
  const events = await h.rt.store.employees.changesSince('employee_clean', seq, 100);
  assert.equal(events.filter((e) => e.created).length, 20);
  assert.deepEqual(events.filter((e) => !e.created).map((e) => [e.id, e.fields]), [[changed['id'], ['headline']]]);
  assert.equal(await h.rt.store.employees.getJsonById('employee_clean', changed['id'] as number), JSON.stringify(changed));
  const db = open();
  try {
    assert.equal((db.prepare('SELECT count(*) AS n FROM record_dictionaries').get() as { n: number }).n, 1);
  } finally {
    db.close();
  }
  const many = await h.rt.store.employees.getManyRaw('employee_clean', data.clean.map((r) => r['id'] as number));
  assert.deepEqual(many.map((b) => JSON.parse(b!.toString('utf8'))), data.clean.map((r) => (r['id'] === changed['id'] ? changed : r)));
});

test('search reads the deflated records (sloppy phrases are checked on them) and finds the imported people', async () => {
  const [record] = data.clean;
  const name = String(record!['full_name']);
  const body = { query: { match_phrase: { full_name: { query: name, slop: 1 } } } };
  const request = parseSearchRequest(body, { mapping: h.rt.datasets.employee_clean.mapping, now: h.clock.now() });
  const page = await h.rt.store.search.search('employee_clean', { ...request, sort: 'id' }, null, 100);
  assert.deepEqual([...page.ids], referenceSearch(request.query, data.clean).sort((a, b) => a - b));
  assert.ok(page.ids.includes(record!['id'] as number), `${name}: ${JSON.stringify(page.ids)}`);
});

test('a record naming a dictionary the store does not hold is a clear error', () => {
  const db = open();
  try {
    assert.throws(() => dictionariesOf(db).lookup(987), /records\.db holds no record dictionary 987/);
  } finally {
    db.close();
  }
});

test('a first import of one record makes no dictionary: it is kept as a gzip member, and the next import with enough lines makes one', async () => {
  const h2 = await makeHarness();
  try {
    const more = people(30, 6).clean;
    await h2.importRecords('employee_clean', more.slice(0, 1));
    const db = (): Database.Database => new Database(join(storeDir(h2.config), 'records.db'), { readonly: true });
    const kept = (d: Database.Database, id: unknown): Buffer => (d.prepare('SELECT record FROM employee_clean_records WHERE id = ?').get(id) as { record: Buffer }).record;
    let d = db();
    assert.equal((d.prepare('SELECT count(*) AS n FROM record_dictionaries').get() as { n: number }).n, 0);
    assert.equal(kept(d, more[0]!['id'])[0], 0x1f, 'a gzip member');
    d.close();
    await h2.importRecords('employee_clean', more.slice(1));
    d = db();
    assert.equal((d.prepare('SELECT count(*) AS n FROM record_dictionaries').get() as { n: number }).n, 1);
    assert.equal(kept(d, more[0]!['id'])[0], 0x1f, 'the first record is left as it was');
    assert.equal(kept(d, more[1]!['id'])[0], 1, 'the next ones are deflated with the dictionary');
    d.close();
    for (const r of more) assert.equal(await h2.rt.store.employees.getJsonById('employee_clean', r['id'] as number), JSON.stringify(r));
  } finally {
    await h2.close();
  }
});
