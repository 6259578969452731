// PostgreSQL-only behaviour of the store: migrations are safe when several nodes start at once,
// a wrong database URL fails with a clear error, and the compiler's PostgreSQL plans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { loadConfig, ConfigError } from '../src/config/config.js';
import { layoutsOf, loadDatasets } from '../src/datasets/datasets.js';
import { parseSearchRequest } from '../src/query/parse-request.js';
import { pgDialect } from '../src/store/postgres/pg-query-compiler.js';
import { PlanSql } from '../src/store/sql/plan-sql.js';
import { resolveQuery } from '../src/query/plan/resolve-plan.js';
import { openPostgresStore } from '../src/store/postgres/pg-store.js';
import { pgMigrations } from '../src/store/postgres/pg-migrations.js';
import { createTestDatabase } from './helpers/pg-database.js';

const ds = loadDatasets();
const layouts = layoutsOf(ds);

test('four nodes starting at once on a new database apply each migration exactly once', async () => {
  const db = await createTestDatabase();
  try {
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore(db.url, layouts)));
    await Promise.all(stores.map((s) => s.close()));
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(rows.map((r) => r.version), pgMigrations(layouts).map((_, i) => i + 1));
    } finally {
      await client.end();
    }
    // A later start finds nothing to do and opens fine.
    await (await openPostgresStore(db.url, layouts)).close();
  } finally {
    await db.drop();
  }
});

test('a database URL that is not postgres:// is refused at start; an unreachable server fails clearly', async () => {
  assert.throws(() => loadConfig({ ROLLCALL_DATABASE_URL: 'mysql://root:hunter2@db/x' }), (e: unknown) => e instanceof ConfigError && /postgres:\/\//.test(e.message) && !e.message.includes('hunter2'));
  await assert.rejects(openPostgresStore('postgres://nobody@127.0.0.1:1/none', layouts), /ECONNREFUSED/);
});

test('an AND of full-text conditions on one document table compiles to one tsquery scan of it', async () => {
  const planSql = new PlanSql(pgDialect, 'employee_clean');
  const compile = async (query: unknown) => planSql.render(await resolveQuery(parseSearchRequest({ query }, { mapping: ds.employee_clean.mapping, now: Date.now() }).query, { layout: layouts.employee_clean, vocabulary: () => [], maxPatternTerms: 100_000 }));
  const root = await compile({ bool: { must: [{ match: { headline: 'senior engineer' } }], filter: [{ exists: { field: 'headline' } }, { term: { location_country_iso_2: 'US' } }] } });
  assert.equal(root.text.match(/tsv @@/g)?.length, 1, root.text);
  assert.doesNotMatch(root.text, /INTERSECT/);
  assert.equal(root.params.length, 1);
  assert.match(String(root.params[0]), /^\(.*\) & \(.*\) & \(.*\)$/);
  // Conditions on different tables (a nested type, a number field) stay separate parts of the INTERSECT.
  const mixed = await compile({ bool: {
    filter: [{ exists: { field: 'headline' } }, { match: { headline: 'engineer' } }, { range: { follower_count: { gte: 10 } } },
      { nested: { path: 'experience', query: { match: { 'experience.title': 'engineer' } } } }],
  } });
  assert.equal(mixed.text.match(/tsv @@/g)?.length, 2, mixed.text);
  assert.equal(mixed.text.match(/INTERSECT/g)?.length, 2, mixed.text);
});
