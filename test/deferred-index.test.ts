// Bulk-load mode: import --defer-index stores records at once and `index` builds search later.
// SQLite queues the records and indexes them later; PostgreSQL writes the index rows at once
// (search stays exact) but drops the indexes over them until `index` builds them in one pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importFile } from '../src/ingest/import-file.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { referenceSearch } from '../src/query/reference/reference-matcher.js';
import { makeHarness, people } from './helpers/harness.js';
import { rollcallBin } from './helpers/processes.js';
import { testStore } from './helpers/pg-database.js';

const onPostgres = testStore() === 'postgres';

type Rec = Record<string, unknown>;

test('deferred rows are collectable at once, searchable after indexPending, and stale versions leave the index', async () => {
  const h = await makeHarness();
  try {
    const data = people(60, 12).clean;
    const file = join(h.dir, 'bulk.jsonl');
    const write = (records: Rec[]) => writeFile(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const search = async (body: unknown, records: Rec[]) => {
      const request = parseSearchRequest(body, { mapping: h.rt.datasets.employee_clean.mapping, now: h.clock.now() });
      const page = await h.rt.store.search.search('employee_clean', { ...request, sort: 'id' }, null, 1000);
      return { got: [...page.ids], want: referenceSearch(request.query, records).sort((a, b) => a - b) };
    };

    await write(data);
    await importFile(h.rt.store, h.rt.datasets.employee_clean, file, { deferIndex: true });
    assert.ok(await h.rt.store.employees.getJsonById('employee_clean', data[0]!['id'] as number), 'collectable before indexing');
    if (onPostgres) {
      const early = await search({ query: { match: { description: 'data' } } }, data);
      assert.deepEqual(early.got, early.want, 'exact before the indexes are built');
    } else {
      assert.equal((await search({ query: { match_all: {} } }, data)).got.length, 0, 'not searchable yet');
    }
    assert.equal(await h.rt.store.employees.pendingIndex('employee_clean'), 60);
    assert.equal(await h.rt.store.employees.indexPending('employee_clean', 7), 60);
    assert.equal(await h.rt.store.employees.pendingIndex('employee_clean'), 0);
    const all = await search({ query: { match: { description: 'data' } } }, data);
    assert.deepEqual(all.got, all.want);

    // A new version of 10 records, deferred over indexed ones, then one indexed directly.
    const changed = data.map((r, i) => (i < 10 ? { ...r, headline: `Zyzzyva Specialist ${i}` } : r));
    await write(changed.slice(0, 10));
    await importFile(h.rt.store, h.rt.datasets.employee_clean, file, { deferIndex: true });
    assert.equal((await search({ query: { match: { headline: 'zyzzyva' } } }, changed)).got.length, onPostgres ? 10 : 0,
      onPostgres ? 'new versions searchable at once' : 'old versions still indexed');
    const direct = { ...changed[0]!, headline: 'Quokka Wrangler' };
    await h.importRecords('employee_clean', [direct]);
    await h.rt.store.employees.indexPending('employee_clean');
    assert.equal(await h.rt.store.employees.pendingIndex('employee_clean'), 0);
    const final = changed.map((r, i) => (i === 0 ? direct : r));
    for (const body of [{ query: { match: { headline: 'zyzzyva' } } }, { query: { match: { headline: 'quokka' } } }, { query: { match_phrase: { headline: String(data[0]!['headline']) } } }]) {
      const r = await search(body, final);
      assert.deepEqual(r.got, r.want, JSON.stringify(body));
    }
    assert.equal((await search({ query: { match: { headline: 'zyzzyva' } } }, final)).got.length, 9);
  } finally {
    await h.close();
  }
});

test('rollcall import --defer-index then rollcall index', async () => {
  const h = await makeHarness();
  try {
    const file = join(h.dir, 'cli.jsonl');
    await writeFile(file, people(15, 3).clean.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const imp = spawnSync(process.execPath, [rollcallBin, 'import', ...h.storeArgs, '--dataset', 'employee_clean', '--defer-index', file], { encoding: 'utf8' });
    assert.equal(imp.status, 0, imp.stderr);
    assert.match(imp.stdout, /search index deferred: run `rollcall index`/);
    const idx = spawnSync(process.execPath, [rollcallBin, 'index', ...h.storeArgs], { encoding: 'utf8' });
    assert.equal(idx.status, 0, idx.stderr);
    assert.match(idx.stdout, /employee_clean: indexed 15 records for search/);
  } finally {
    await h.close();
  }
});
