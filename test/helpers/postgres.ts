// Where the PostgreSQL tests find their server. `npm test` (scripts/run-tests.mjs) starts a
// throwaway PostgreSQL cluster and passes its URL in ROLLCALL_TEST_DATABASE_URL; these helpers
// need no database driver.
import { randomBytes } from 'node:crypto';

/** The URL of the test PostgreSQL server (its `postgres` database). */
export function testDatabaseUrl(): string {
  const url = process.env['ROLLCALL_TEST_DATABASE_URL'];
  if (!url) {
    throw new Error(
      'PostgreSQL tests need ROLLCALL_TEST_DATABASE_URL; run them through `npm test`, which starts a throwaway PostgreSQL server',
    );
  }
  return url;
}

/** The test server's URL with the database name replaced by `name` (e.g. one database per test file). */
export function databaseUrlFor(name: string): string {
  if (!name) throw new Error('databaseUrlFor: empty database name');
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

let counter = 0;

/**
 * A database name that is unique per call (pid + counter + random), lower-case [a-z0-9_] only,
 * so it needs no quoting in SQL, and at most 63 characters (PostgreSQL's identifier limit).
 */
export function uniqueDatabaseName(prefix = 'rollcall_test'): string {
  counter += 1;
  const suffix = `_${process.pid}_${counter}_${randomBytes(4).toString('hex')}`;
  let head = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  if (!/^[a-z_]/.test(head)) head = `db_${head}`;
  return head.slice(0, 63 - suffix.length) + suffix;
}
