// A deployment backed up while it serves and writes, restored into a new one: the same records,
// balances, searches and bulk files. On PostgreSQL (ROLLCALL_TEST_STORE=postgres) the same through
// pg_dump and pg_restore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { tempDir } from './helpers/harness.js';
import { testStoreAt } from './helpers/pg-database.js';
import { httpsGet, httpsGetBuffer, httpsPost, rollcallBin, startServer } from './helpers/processes.js';

const cli = (args: string[]) => spawnSync(process.execPath, [rollcallBin, ...args], { encoding: 'utf8', env: { ...process.env, ROLLCALL_LOG_LEVEL: 'warn' } });
const people = 400;

test('backup while serving and importing, restore into a new deployment: records, balances, searches and bulk files survive', async () => {
  const dir = await tempDir('rollcall-backup-');
  const source = await testStoreAt(join(dir, 'source'));
  const target = await testStoreAt(join(dir, 'restored'));
  try {
    for (const snapshot of [0, 1]) assert.equal(cli(['generate', '--people', String(people), '--seed', '3', '--snapshot', String(snapshot), '--out', join(dir, `gen-${snapshot}`)]).status, 0);
    const first = cli(['import', ...source.args, '--dataset', 'employee_clean', join(dir, 'gen-0', 'employee_clean.jsonl.gz')]);
    assert.equal(first.status, 0, first.stderr);
    const created = cli(['keys', 'create', ...source.args, '--collect-credits', '100', '--search-credits', '100', '--json']);
    assert.equal(created.status, 0, created.stderr);
    const key = (JSON.parse(created.stdout) as { api_key: string }).api_key;

    const server = await startServer(source.args, { ROLLCALL_JOB_POLL_MS: '100' });
    let files: string[];
    let part: Buffer;
    let requestId: string;
    try {
      const ca = readFileSync(join(dir, 'source', 'tls', 'cert.pem'), 'utf8');
      const h = { apikey: key };
      for (const id of [100000001, 100000002, 100000003]) assert.equal((await httpsGet(`${server.baseUrl}/v2/employee_clean/collect/${id}`, h, ca)).status, 200);
      const requested = await httpsPost(`${server.baseUrl}/v2/data_requests/employee_clean/id_file`, h, ca, { ids: [100000010, 100000011, 100000012, 100000013, 100000014] });
      assert.equal(requested.status, 201, requested.body);
      requestId = (JSON.parse(requested.body) as { request_id: string }).request_id;
      for (let i = 0; ; i++) {
        const listed = await httpsGet(`${server.baseUrl}/v2/data_requests/${requestId}/files`, h, ca);
        if (listed.status === 200) {
          files = (JSON.parse(listed.body) as { data_request_files: string[] }).data_request_files;
          break;
        }
        assert.ok(i < 300, `the data request did not finish: ${listed.status} ${listed.body}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      part = (await httpsGetBuffer(`${server.baseUrl}/v2/data_requests/${requestId}/files/${files[0]}`, h, ca)).body;
      assert.equal(gunzipSync(part).toString().trim().split('\n').length, 5);

      // The backup is taken while the next snapshot is being imported into the serving store.
      const writer = spawn(process.execPath, [rollcallBin, 'import', ...source.args, '--dataset', 'employee_clean', join(dir, 'gen-1', 'employee_clean.jsonl.gz')], { stdio: 'ignore' });
      const written = new Promise<number | null>((resolve) => writer.once('exit', resolve));
      const backup = cli(['backup', ...source.args, '--out', join(dir, 'backup')]);
      assert.equal(backup.status, 0, backup.stderr);
      assert.match(backup.stdout, /^backed up the (embedded|postgres) store to .*: \d+ files, [\d.]+ MB in [\d.]+ s/);
      assert.equal(await written, 0);
    } finally {
      await server.stop();
    }
    assert.ok(!existsSync(join(dir, 'backup.partial')));

    // Refusals first: a backup into a directory that is not empty, a restore over a store.
    const again = cli(['backup', ...source.args, '--out', join(dir, 'backup')]);
    assert.equal(again.status, 2, again.stderr);
    assert.match(again.stderr, /is not empty; a backup goes into a new or empty directory/);
    const over = cli(['restore', ...source.args, '--from', join(dir, 'backup')]);
    assert.notEqual(over.status, 0);
    assert.match(over.stderr, /(already holds a store|is not empty); restore into a new/);

    const restored = cli(['restore', ...target.args, '--from', join(dir, 'backup')]);
    assert.equal(restored.status, 0, restored.stderr);
    assert.match(restored.stdout, /^restored the (embedded|postgres) store made \S+ into /);

    const again2 = await startServer(target.args);
    try {
      const ca = readFileSync(join(dir, 'restored', 'tls', 'cert.pem'), 'utf8');
      const h = { apikey: key };
      // Every person is there, in the version of one snapshot or the other (the backup is one
      // consistent moment of the import), and search agrees with the records.
      const all = await httpsPost(`${again2.baseUrl}/v2/employee_clean/search/es_dsl?items_per_page=1000`, h, ca, { query: { match_all: {} }, sort: ['id'] });
      assert.equal(all.status, 200, all.body);
      assert.equal(all.headers['x-total-results'], String(people));
      const versions = [0, 1].map((s) => new Map(gunzipSync(readFileSync(join(dir, `gen-${s}`, 'employee_clean.jsonl.gz'))).toString().trim().split('\n').map((l) => [(JSON.parse(l) as { id: number }).id, JSON.parse(l) as unknown])));
      for (const id of [100000001, 100000100, 100000250, 100000400]) {
        const got = await httpsGet(`${again2.baseUrl}/v2/employee_clean/collect/${id}`, h, ca);
        assert.equal(got.status, 200, got.body);
        const record = JSON.parse(got.body) as unknown;
        assert.ok(versions.some((v) => JSON.stringify(v.get(id)) === JSON.stringify(record)), `record ${id} is one snapshot's version`);
      }
      // Balances as at the backup (100 - 3 collects - 5 bulk records), less the 4 + 1 collects here.
      assert.equal((await httpsGet(`${again2.baseUrl}/v2/employee_clean/collect/100000002`, h, ca)).headers['x-credits-remaining'], String(100 - 3 - 5 - 4 - 1));
      // The finished data request and its file, byte for byte.
      const listed = await httpsGet(`${again2.baseUrl}/v2/data_requests/${requestId}/files`, h, ca);
      assert.equal(listed.status, 200, listed.body);
      assert.deepEqual((JSON.parse(listed.body) as { data_request_files: string[] }).data_request_files, files);
      assert.deepEqual((await httpsGetBuffer(`${again2.baseUrl}/v2/data_requests/${requestId}/files/${files[0]}`, h, ca)).body, part);
    } finally {
      await again2.stop();
    }

    // A damaged backup is refused before anything is written.
    const damaged = await tempDir('rollcall-backup-damaged-');
    const manifest = JSON.parse(readFileSync(join(dir, 'backup', 'backup.json'), 'utf8')) as { files: Record<string, number> };
    const victim = Object.keys(manifest.files).find((f) => f.endsWith('.db') || f.endsWith('.pgdump'))!;
    truncateSync(join(dir, 'backup', victim), 1000);
    const broken = cli(['restore', '--data-dir', damaged, '--from', join(dir, 'backup')]);
    assert.equal(broken.status, 2, broken.stderr);
    assert.match(broken.stderr, new RegExp(`the backup is damaged: ${victim.replace('.', '\\.')} is 1000 bytes`));
    assert.ok(!existsSync(join(damaged, 'store')));
    writeFileSync(join(dir, 'not-a-backup.json'), '{}');
    const notBackup = cli(['restore', '--data-dir', damaged, '--from', dir]);
    assert.match(notBackup.stderr, /is not a Rollcall backup/);
    await rm(damaged, { recursive: true, force: true });
  } finally {
    await source.drop();
    await target.drop();
    await rm(dir, { recursive: true, force: true });
  }
});
