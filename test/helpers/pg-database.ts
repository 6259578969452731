// A fresh PostgreSQL database per harness on the throwaway server `npm test` starts, dropped
// again on close. ROLLCALL_TEST_STORE=postgres (set by run-tests for its PostgreSQL pass) makes
// the harness use it.
import pg from 'pg';
import { databaseUrlFor, testDatabaseUrl, uniqueDatabaseName } from './postgres.js';

export function testStore(): 'sqlite' | 'postgres' {
  return process.env['ROLLCALL_TEST_STORE'] === 'postgres' ? 'postgres' : 'sqlite';
}

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = uniqueDatabaseName();
  await admin(`CREATE DATABASE ${name}`);
  return { url: databaseUrlFor(name), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Where a test's processes keep their data: a data dir, plus a fresh database on PostgreSQL runs. */
export interface TestStoreLocation {
  /** CLI flags for `rollcall serve|worker|import|keys ...`. */
  readonly args: string[];
  readonly overrides: { dataDir: string; databaseUrl?: string };
  drop(): Promise<void>;
}

export async function testStoreAt(dataDir: string): Promise<TestStoreLocation> {
  if (testStore() !== 'postgres') return { args: ['--data-dir', dataDir], overrides: { dataDir }, drop: async () => undefined };
  const db = await createTestDatabase();
  return { args: ['--data-dir', dataDir, '--database-url', db.url], overrides: { dataDir, databaseUrl: db.url }, drop: () => db.drop() };
}
