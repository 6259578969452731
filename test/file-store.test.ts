// The file-store port, the same contract for the local directory and for PostgreSQL (chunked):
// nothing is visible before commit, a commit replaces a file whole, ranges across chunk
// boundaries, abort and removal leave nothing behind. Then bulk exports end to end with
// `--file-store database`: the part files download whole and by range, and expiry deletes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import type { FileStore } from '../src/files/file-store.js';
import { LocalFileStore } from '../src/files/local-file-store.js';
import { binaryCopyFields, PgFileStore } from '../src/store/postgres/pg-file-store.js';
import { loadConfig } from '../src/config/config.js';
import { openRuntime } from '../src/runtime.js';
import { makeHarness, noDataRateLimits, people, tempDir } from './helpers/harness.js';
import { bulkClient } from './helpers/bulk-client.js';
import { createTestDatabase, testStore } from './helpers/pg-database.js';

const onPostgres = testStore() === 'postgres';
const pgOnly = onPostgres ? false : 'runs in the PostgreSQL pass';

/** 5,500 bytes that differ at every offset that matters, written in uneven pieces. */
const content = Buffer.from(Array.from({ length: 5500 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

async function write(files: FileStore, name: string, bytes: Buffer): Promise<void> {
  const pending = await files.create(name);
  for (let at = 0; at < bytes.length; at += 333) pending.stream.write(bytes.subarray(at, at + 333));
  pending.stream.end();
  await pending.commit();
}

async function contract(files: FileStore): Promise<void> {
  const pending = await files.create('req-1/json/part-0.gz');
  pending.stream.write(content.subarray(0, 2500));
  assert.equal(await files.size('req-1/json/part-0.gz'), null, 'nothing is visible before commit');
  pending.stream.end(content.subarray(2500));
  await pending.commit();
  assert.equal(await files.size('req-1/json/part-0.gz'), content.length);
  assert.deepEqual(await buffer(files.read('req-1/json/part-0.gz')), content);
  for (const [start, end] of [[0, 99], [999, 1000], [1000, 1999], [998, 3001], [4000, 5499], [5499, 5499], [0, 5499]] as const) {
    assert.deepEqual(await buffer(files.read('req-1/json/part-0.gz', { start, end })), content.subarray(start, end + 1), `bytes ${start}-${end}`);
  }
  // A commit under a taken name replaces the file whole.
  await write(files, 'req-1/json/part-0.gz', Buffer.from('short'));
  assert.equal(await files.size('req-1/json/part-0.gz'), 5);
  assert.equal(await text(files.read('req-1/json/part-0.gz')), 'short');
  // An aborted file never appears.
  const dropped = await files.create('req-1/json/part-1.gz');
  dropped.stream.write(content);
  await dropped.abort();
  assert.equal(await files.size('req-1/json/part-1.gz'), null);
  // Removal takes a prefix's files and nothing that merely starts with the same letters.
  await write(files, 'req-1/json/part-2.gz', content);
  await write(files, 'req-10/json/part-0.gz', content);
  await write(files, 'req-2/json/part-0.gz', Buffer.alloc(0));
  assert.equal(await files.size('req-2/json/part-0.gz'), 0, 'an empty file is a file');
  await files.removeAll('req-1/json/part-2.gz');
  assert.equal(await files.size('req-1/json/part-2.gz'), null, 'one file by its own name');
  assert.equal(await files.size('req-1/json/part-0.gz'), 5);
  await files.removeAll('req-1');
  assert.equal(await files.size('req-1/json/part-0.gz'), null);
  assert.equal(await files.size('req-10/json/part-0.gz'), content.length);
  assert.equal(await files.size('req-2/json/part-0.gz'), 0);
}

test('local directory: the file-store contract', async () => {
  const dir = await tempDir('rollcall-files-');
  try {
    await contract(new LocalFileStore(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('PostgreSQL: the file-store contract with 1,000-byte chunks; aborted and replaced files leave no rows', { skip: pgOnly }, async () => {
  const db = await createTestDatabase();
  const dir = await tempDir('rollcall-files-');
  const rt = await openRuntime(loadConfig({}, { dataDir: dir, databaseUrl: db.url }));
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  try {
    await contract(new PgFileStore(pool, pool, 1000));
    const { rows } = await pool.query<{ files: number; chunks: number; unnamed: number }>(
      'SELECT (SELECT count(*) FROM stored_files)::int AS files, (SELECT count(*) FROM stored_file_chunks)::int AS chunks, (SELECT count(*) FROM stored_files WHERE name IS NULL)::int AS unnamed');
    assert.deepEqual(rows[0], { files: 2, chunks: 6, unnamed: 0 }, 'req-10 (6 chunks) and the empty req-2 remain');
    await assert.rejects(buffer(new PgFileStore(pool, pool, 1000).read('req-1/json/part-0.gz')), /no stored file/);
  } finally {
    await pool.end();
    await rt.store.close();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('binary COPY values come out whole whatever the stream chunk boundaries', async () => {
  const values = [Buffer.from('first value'), Buffer.alloc(0), content.subarray(0, 700)];
  const row = (v: Buffer): Buffer => Buffer.concat([Buffer.from([0, 1]), Buffer.from([v.length >>> 24, (v.length >>> 16) & 255, (v.length >>> 8) & 255, v.length & 255]), v]);
  const whole = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(4), Buffer.from([0, 0, 0, 2]), Buffer.from('xx'), ...values.map(row), Buffer.from([255, 255])]);
  for (const step of [1, 2, 5, 13, 64, whole.length]) {
    async function* pieces(): AsyncGenerator<Buffer> {
      for (let at = 0; at < whole.length; at += step) yield whole.subarray(at, at + step);
    }
    const out: Buffer[] = [];
    for await (const piece of binaryCopyFields(pieces())) out.push(piece);
    assert.deepEqual(Buffer.concat(out), Buffer.concat(values), `pieces of ${step} bytes`);
  }
  async function* cut(): AsyncGenerator<Buffer> {
    yield whole.subarray(0, 40);
  }
  await assert.rejects(async () => {
    for await (const piece of binaryCopyFields(cut())) void piece;
  }, /ended early/);
});

test('--file-store database needs PostgreSQL, and says so', () => {
  assert.throws(() => loadConfig({ ROLLCALL_FILE_STORE: 'database' }, { dataDir: '/tmp/x' }), /--file-store database keeps bulk files in PostgreSQL: give --database-url too/);
  assert.throws(() => loadConfig({}, { dataDir: '/tmp/x', fileStore: 's3' }), /--file-store \(ROLLCALL_FILE_STORE\) must be local or database, got "s3"/);
});

test('bulk exports with --file-store database: parts download whole and by range from the database, none on disk, expiry deletes them', { skip: pgOnly }, async () => {
  const h = await makeHarness({ ROLLCALL_FILE_STORE: 'database', ROLLCALL_BULK_PART_RECORDS: '4', ROLLCALL_JOB_POLL_MS: '20', ...noDataRateLimits }, { workers: true });
  const pool = new pg.Pool({ connectionString: h.storeArgs[h.storeArgs.indexOf('--database-url') + 1], max: 1 });
  try {
    const data = people(12, 21);
    await h.importRecords('employee_clean', data.clean);
    const key = await h.key({ collectCredits: 100, searchCredits: 100 });
    h.workers!.start();
    const c = bulkClient(h, key.api_key);
    const made = await c.post('/cdapi/v2/data_requests/employee_clean/id_file', { ids: data.clean.slice(0, 10).map((p) => p['id']) });
    assert.equal(made.statusCode, 201, made.body);
    const id = made.json().request_id as string;
    const done = await c.wait(`/cdapi/v2/data_requests/${id}/files`);
    assert.equal(done.statusCode, 200, done.body);
    const names = done.json().data_request_files as string[];
    assert.equal(names.length, 3);
    const records = await c.records(`/cdapi/v2/data_requests/${id}/files`, names);
    assert.deepEqual(records.map((r) => r['id']).sort(), data.clean.slice(0, 10).map((p) => p['id']).sort());
    assert.equal(existsSync(join(h.dir, 'files')), false, 'no part file on the local disk');
    const url = `/cdapi/v2/data_requests/${id}/files/${names[0]}`;
    const whole = await c.get(url);
    const head = await c.get(url, undefined, { range: 'bytes=0-99' });
    const tail = await c.get(url, undefined, { range: 'bytes=100-', 'if-range': String(whole.headers['etag']) });
    assert.deepEqual([head.statusCode, tail.statusCode], [206, 206]);
    assert.equal(tail.headers['content-range'], `bytes 100-${whole.rawPayload.length - 1}/${whole.rawPayload.length}`);
    assert.deepEqual(Buffer.concat([head.rawPayload, tail.rawPayload]), whole.rawPayload);
    assert.ok(gunzipSync(whole.rawPayload).length > 0);
    const stored = async (): Promise<number> => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM stored_files WHERE name LIKE $1', [`%${id}%`])).rows[0]!.n;
    assert.equal(await stored(), 3);
    h.clock.advance(31 * 86_400_000);
    assert.equal((await c.get(`/cdapi/v2/data_requests/${id}/files`)).statusCode, 404);
    assert.equal(await stored(), 0, 'expiry deleted the stored files');
  } finally {
    await pool.end();
    await h.close();
  }
});
