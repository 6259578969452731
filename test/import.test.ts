import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { importFile, type RejectedLine } from '../src/ingest/import-file.js';
import { makeHarness, people, type Harness } from './helpers/harness.js';

const bin = fileURLToPath(new URL('../../bin/rollcall.js', import.meta.url));
let h: Harness;
const data = people(6);

before(async () => {
  h = await makeHarness();
});
after(() => h.close());

function lines(...items: (string | object)[]): string {
  return items.map((i) => (typeof i === 'string' ? i : JSON.stringify(i))).join('\n') + '\n';
}

test('bad lines are reported by number and reason, nothing of them is written, good lines import', async () => {
  const [a, b, c] = data.clean;
  const file = join(h.dir, 'mixed.jsonl');
  await writeFile(
    file,
    lines(
      a!,
      '{"id": 5, "full_name": ',                      // 2: invalid JSON
      { ...b!, id: undefined },                       // 3: missing id
      { ...b!, follower_count: 'many' },              // 4: wrong type
      { ...b!, experience: { title: 'x' } },          // 5: nested must be an array
      '',                                             // 6: blank, skipped silently
      { ...c!, last_updated: 'yesterday' },           // 7: bad date
      { ...c!, id: -4 },                              // 8: bad id
      '[1,2,3]',                                      // 9: not an object
      c!,                                             // 10: good
    ),
  );
  const rejected: RejectedLine[] = [];
  const report = await importFile(h.rt.store, h.rt.datasets.employee_clean, file, { onReject: (r) => rejected.push(r) });
  assert.equal(report.imported, 2);
  assert.equal(report.rejected, 7);
  assert.deepEqual(rejected.map((r) => r.line), [2, 3, 4, 5, 7, 8, 9]);
  assert.match(rejected[0]!.reason, /invalid JSON/);
  assert.match(rejected[1]!.reason, /missing required field "id"/);
  assert.match(rejected[2]!.reason, /follower_count: expected integer/);
  assert.match(rejected[3]!.reason, /experience: expected array/);
  assert.match(rejected[4]!.reason, /last_updated: invalid date/);
  assert.match(rejected[5]!.reason, /positive integer/);
  assert.match(rejected[6]!.reason, /expected a JSON object/);
  assert.equal(await h.rt.store.employees.getJsonById('employee_clean', b!['id'] as number), null, 'rejected record not written');
  assert.ok(await h.rt.store.employees.getJsonById('employee_clean', c!['id'] as number));
});

test('Elasticsearch leniency: numeric strings for numbers, scalars for keywords, null everywhere', async () => {
  const v1 = data.v1[0]!;
  assert.equal(typeof v1['recommendations_count'], 'string', 'v1 keeps the string form like real records');
  const file = join(h.dir, 'lenient.jsonl');
  await writeFile(file, lines({ ...data.clean[3]!, follower_count: '42', headline: null, skills: ['a', 7] }));
  const report = await importFile(h.rt.store, h.rt.datasets.employee_clean, file);
  assert.equal(report.rejected, 0);
  const v1file = join(h.dir, 'v1.jsonl.gz');
  await writeFile(v1file, gzipSync(lines(...data.v1)));
  const r2 = await importFile(h.rt.store, h.rt.datasets.employee, v1file);
  assert.equal(r2.imported, data.v1.length);
  assert.equal(r2.rejected, 0);
});

test('import upserts by id: a newer version replaces the old one and its shorthand names', async () => {
  const person = data.clean[4]!;
  await h.importRecords('employee_clean', [person]);
  await h.importRecords('employee_clean', [
    { ...person, full_name: 'Renamed Person', shorthand_names: ['renamed-person-1'], websites_professional_network: 'https://www.professional-network.example/in/renamed-person-1' },
  ]);
  assert.equal(await h.rt.store.employees.count('employee_clean') >= 1, true);
  const stored = JSON.parse((await h.rt.store.employees.getJsonById('employee_clean', person['id'] as number))!);
  assert.equal(stored.full_name, 'Renamed Person');
  assert.ok(await h.rt.store.employees.getJsonByShorthand('employee_clean', 'renamed-person-1'));
  const oldSlug = (person['shorthand_names'] as string[])[0]!;
  assert.equal(await h.rt.store.employees.getJsonByShorthand('employee_clean', oldSlug), null);
});

test('an import whose reader went away (`rollcall import … | head -1`) imports everything and exits without a stack', async () => {
  const more = people(3, 71).clean;
  const file = join(h.dir, 'piped.jsonl');
  await writeFile(file, lines(...more));
  const child = spawn(process.execPath, [bin, 'import', ...h.storeArgs, '--dataset', 'employee_clean', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  // The reading end closes before the command has started: its every line meets a closed pipe.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  assert.equal(status, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE|Unhandled|at /);
  for (const r of more) {
    const stored = await h.rt.store.employees.getJsonById('employee_clean', r['id'] as number);
    assert.equal(JSON.parse(stored ?? '{}').full_name, r['full_name'], `record ${String(r['id'])} imported`);
  }
});

test('the CLI exits non-zero when any line was rejected and prints a summary with records/s', async () => {
  const file = join(h.dir, 'cli.jsonl');
  await writeFile(file, lines(data.clean[5]!, 'not json'));
  const res = spawnSync(process.execPath, [bin, 'import', ...h.storeArgs, '--dataset', 'employee_clean', file], { encoding: 'utf8' });
  assert.equal(res.status, 1, res.stderr);
  assert.match(res.stderr, /cli\.jsonl:2: rejected: invalid JSON/);
  assert.match(res.stdout, /imported 1 employee_clean records, rejected 1, 1 changes recorded, in [\d.]+ s \(\d+ records\/s\)/);
  const ok = spawnSync(process.execPath, [bin, 'import', ...h.storeArgs, '--dataset', 'employee_clean', file.replace('cli', 'mixed')], { encoding: 'utf8' });
  assert.equal(ok.status, 1);
  const usage = spawnSync(process.execPath, [bin, 'import', ...h.storeArgs, '--dataset', 'people', file], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--dataset must be one of employee, employee_clean/);
  const missing = spawnSync(process.execPath, [bin, 'import', ...h.storeArgs, '--dataset', 'employee', join(h.dir, 'nope.jsonl')], { encoding: 'utf8' });
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /nope\.jsonl/);
});

test('a gzip file with good lines only exits 0', async () => {
  const file = join(h.dir, 'good.jsonl.gz');
  await writeFile(file, gzipSync(lines(...data.clean)));
  const res = spawnSync(process.execPath, [bin, 'import', ...h.storeArgs, '--dataset', 'employee_clean', file], { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stdout, new RegExp(`imported ${data.clean.length} employee_clean records, rejected 0`));
  // The embedded store says what its search postings cost; PostgreSQL keeps none.
  if (!h.storeArgs.includes('--database-url')) assert.match(res.stdout, /good\.jsonl\.gz: search postings of 1 part built in [\d.]+ s after the last record/);
});

test('worker-thread and inline parsing import the same records and report the same rejects, in order', async () => {
  const many = people(400, 11);
  const rows: string[] = many.clean.map((r) => JSON.stringify(r));
  rows.splice(100, 0, '{"broken": ');
  rows.splice(350, 0, JSON.stringify({ ...many.clean[0]!, id: 'abc' }));
  const file = join(h.dir, 'big.jsonl');
  await writeFile(file, rows.join('\n') + '\n');
  const outcomes = [];
  for (const workers of [0, 2]) {
    const other = await makeHarness();
    try {
      const rejected: RejectedLine[] = [];
      const report = await importFile(other.rt.store, other.rt.datasets.employee_clean, file, { workers, batchSize: 64, onReject: (r) => rejected.push(r) });
      const sample = await other.rt.store.employees.getJsonById('employee_clean', many.clean[399]!['id'] as number);
      outcomes.push({ imported: report.imported, rejected: rejected.map((r) => r.line), sample, count: await other.rt.store.employees.count('employee_clean') });
    } finally {
      await other.close();
    }
  }
  assert.ok((await import('node:fs')).statSync(file).size > 1 << 20, 'file large enough to use the worker pool');
  assert.deepEqual(outcomes[0], outcomes[1]);
  assert.equal(outcomes[0]!.imported, 400);
  assert.equal(outcomes[0]!.count, 400);
  assert.deepEqual(outcomes[0]!.rejected, [101, 351]);
  assert.deepEqual(JSON.parse(outcomes[0]!.sample!), many.clean[399]);
});

test('versions of one record in consecutive batches: the last wins, changes are logged in file order, shorthand names follow', async () => {
  // Batches of 3 lines are written two at a time on PostgreSQL: the same ids and names recur in
  // neighbouring batches, so overlapping writes must still end as a line-by-line import would.
  const base = people(4, 21).clean;
  const rows: Record<string, unknown>[] = [];
  for (let v = 0; v < 5; v++) {
    for (const [i, p] of base.entries()) {
      rows.push({ ...p, headline: `Version ${v} of person ${i}`, shorthand_names: [`moving-name-${(i + v) % 4}`] });
    }
  }
  const file = join(h.dir, 'versions.jsonl');
  await writeFile(file, lines(...rows));
  const other = await makeHarness();
  try {
    const before = await other.rt.store.employees.lastChangeSeq('employee_clean');
    const report = await importFile(other.rt.store, other.rt.datasets.employee_clean, file, { workers: 0, batchSize: 3 });
    assert.equal(report.imported, 20);
    for (const [i, p] of base.entries()) {
      const stored = JSON.parse((await other.rt.store.employees.getJsonById('employee_clean', p['id'] as number))!);
      assert.equal(stored.headline, `Version 4 of person ${i}`);
      const holder = JSON.parse((await other.rt.store.employees.getJsonByShorthand('employee_clean', `moving-name-${(i + 4) % 4}`))!);
      assert.equal(holder.id, p['id'], `moving-name-${(i + 4) % 4} resolves to its last holder`);
    }
    const changes = await other.rt.store.employees.changesSince('employee_clean', before, 100);
    assert.deepEqual(changes.map((c) => c.id), rows.map((r) => r['id']), 'one change per line, in file order');
    assert.deepEqual(changes.map((c) => c.seq), [...changes.map((c) => c.seq)].sort((a, b) => a - b));
    assert.deepEqual(changes.slice(0, 4).map((c) => c.created), [true, true, true, true]);
  } finally {
    await other.close();
  }
});
