// Change detection on import, against the generator's own record of who changed: importing
// snapshot 1 over snapshot 0 records exactly the people who started or left a job; re-importing
// the same snapshot records nothing; a promotion at the same company is not an experience change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedPeopleBetween, generatePeople } from '../src/generator/people-generator.js';
import { makeHarness } from './helpers/harness.js';

test('snapshot 1 over snapshot 0 records exactly the generator\'s experience changes; a re-import records none', async () => {
  const h = await makeHarness();
  try {
    const snapshot = (k: number) => [...generatePeople({ people: 400, seed: 5, snapshot: k })].map((p) => p.clean);
    await h.importRecords('employee_clean', snapshot(0));
    const created = await h.rt.store.employees.changesSince('employee_clean', 0, 10_000);
    assert.equal(created.length, 400);
    assert.ok(created.every((e) => e.created && !e.experience));
    const seq0 = await h.rt.store.employees.lastChangeSeq('employee_clean');
    await h.importRecords('employee_clean', snapshot(1));
    const changes = await h.rt.store.employees.changesSince('employee_clean', seq0, 10_000);
    const expected = changedPeopleBetween(5, 400, 0, 1);
    assert.ok(expected.size > 0);
    assert.deepEqual(new Set(changes.filter((e) => e.experience).map((e) => e.id)), expected);
    assert.ok(changes.every((e) => !e.created));
    const seq1 = await h.rt.store.employees.lastChangeSeq('employee_clean');
    await h.importRecords('employee_clean', snapshot(1));
    assert.equal(await h.rt.store.employees.lastChangeSeq('employee_clean'), seq1, 'same snapshot again: no events');
  } finally {
    await h.close();
  }
});

test('a promotion at the same company changes fields but not experience; closing a job does', async () => {
  const h = await makeHarness();
  try {
    const [person] = [...generatePeople({ people: 1, seed: 9, snapshot: 0 })].map((p) => p.clean);
    const p = structuredClone(person!) as Record<string, unknown> & { experience: Record<string, unknown>[] };
    const open = p.experience.find((e) => e['date_to'] === null);
    assert.ok(open, 'the generated person has a current job');
    await h.importRecords('employee_clean', [p]);
    const seq = await h.rt.store.employees.lastChangeSeq('employee_clean');
    // Promotion: the open position closes and a new one opens at the same company.
    const promoted = structuredClone(p);
    const old = promoted.experience.find((e) => e['date_to'] === null)!;
    old['date_to'] = '2025-05';
    promoted.experience.unshift({ ...old, title: `Head of ${String(old['title'])}`, date_from: '2025-06', date_to: null });
    promoted['job_title'] = `Head of ${String(old['title'])}`;
    await h.importRecords('employee_clean', [promoted]);
    const [promotion] = await h.rt.store.employees.changesSince('employee_clean', seq, 10);
    assert.equal(promotion!.experience, false);
    assert.deepEqual([...promotion!.fields].sort(), ['experience', 'job_title']);
    // Leaving: no open position any more.
    const left = structuredClone(promoted);
    for (const e of left.experience) if (e['date_to'] === null) e['date_to'] = '2025-09';
    await h.importRecords('employee_clean', [left]);
    const [leaving] = await h.rt.store.employees.changesSince('employee_clean', promotion!.seq, 10);
    assert.equal(leaving!.experience, true);
  } finally {
    await h.close();
  }
});
