// The default order has two plans: sort the hits (few) or walk the records index (many). Both
// must page identically.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { storeDir } from '../src/runtime.js';
import { SqliteSearchStore } from '../src/store/sqlite/sqlite-search-store.js';
import type { SortValues } from '../src/store/store.js';
import { makeHarness, people } from './helpers/harness.js';

test('index walk and hit sort give the same pages in the default order', async () => {
  const h = await makeHarness();
  try {
    await h.importRecords('employee_clean', people(120, 8).clean);
    const db = new Database(join(storeDir(h.config), 'records.db'), { readonly: true });
    const ds = h.rt.datasets;
    const layouts = { employee: ds.employee.layout, employee_clean: ds.employee_clean.layout };
    const walk = new SqliteSearchStore(db, layouts, { broadThreshold: 0 });
    const sort = new SqliteSearchStore(db, layouts, { broadThreshold: Number.MAX_SAFE_INTEGER });
    for (const body of [{ query: { match_all: {} } }, { query: { range: { follower_count: { gte: 100 } } } }]) {
      const request = parseSearchRequest(body, { mapping: ds.employee_clean.mapping, now: h.clock.now() });
      const pages = async (store: SqliteSearchStore): Promise<number[][]> => {
        const out: number[][] = [];
        let after: SortValues | null = null;
        for (;;) {
          const page = await store.search("employee_clean", request, after, 11);
          if (page.ids.length === 0) break;
          out.push([...page.ids]);
          after = page.values[page.values.length - 1]!;
        }
        return out;
      };
      const a = await pages(walk);
      assert.ok(a.length > 2, `${a.length} pages`);
      assert.deepEqual(a, await pages(sort));
      assert.ok(walk.explainLast().some((l) => /USING (COVERING )?INDEX employee_clean_records_recent/.test(l)), walk.explainLast().join('\n'));
    }
    db.close();
  } finally {
    await h.close();
  }
});
