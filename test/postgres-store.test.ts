// PostgreSQL-only behaviour of the store: migrations are safe when several nodes start at once,
// and a wrong database URL fails with a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { loadConfig, ConfigError } from '../src/config/config.js';
import { loadDatasets } from '../src/datasets/datasets.js';
import { openPostgresStore } from '../src/store/postgres/pg-store.js';
import { pgMigrations } from '../src/store/postgres/pg-migrations.js';
import { createTestDatabase } from './helpers/pg-database.js';

const ds = loadDatasets();
const layouts = { employee: ds.employee.layout, employee_clean: ds.employee_clean.layout };

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
