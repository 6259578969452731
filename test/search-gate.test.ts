// The per-key search gate: a key runs at most `perKey` searches at once, the rest queue in order
// behind its own, other keys are never held by it, and a wait past the budget is the budget's 503.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SearchGate } from '../src/domain/search-gate.js';
import { SearchTimeoutError } from '../src/store/store.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

test('one key runs one search at a time, in arrival order; another key runs at once', async () => {
  const gate = new SearchGate(1, 10_000);
  const order: string[] = [];
  const slow = deferred();
  const a1 = gate.run('a', async () => { order.push('a1 start'); await slow.promise; order.push('a1 end'); });
  const a2 = gate.run('a', async () => { order.push('a2'); });
  const a3 = gate.run('a', async () => { order.push('a3'); });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(gate.load('a'), { active: 1, waiting: 2 });
  await gate.run('b', async () => { order.push('b'); });
  assert.deepEqual(order, ['a1 start', 'b'], 'b is not held behind a');
  slow.resolve();
  await Promise.all([a1, a2, a3]);
  assert.deepEqual(order, ['a1 start', 'b', 'a1 end', 'a2', 'a3']);
  assert.deepEqual(gate.load('a'), { active: 0, waiting: 0 });
});

test('a failing search frees its place; a wait past the budget is a SearchTimeoutError and runs nothing', async () => {
  const gate = new SearchGate(1, 50);
  await assert.rejects(gate.run('a', async () => { throw new Error('boom'); }), /boom/);
  const slow = deferred();
  const running = gate.run('a', () => slow.promise);
  let ran = false;
  await assert.rejects(gate.run('a', async () => { ran = true; }), SearchTimeoutError);
  assert.equal(ran, false);
  slow.resolve();
  await running;
  assert.deepEqual(gate.load('a'), { active: 0, waiting: 0 });
});

test('perKey 0 is no limit; perKey 2 lets two run together', async () => {
  const open = new SearchGate(0, 10);
  const hold = deferred();
  const runs = [open.run('a', () => hold.promise), open.run('a', () => hold.promise), open.run('a', () => hold.promise)];
  assert.deepEqual(open.load('a'), { active: 0, waiting: 0 }, 'not even counted');
  hold.resolve();
  await Promise.all(runs);
  const two = new SearchGate(2, 10_000);
  const slow = deferred();
  const r = [two.run('a', () => slow.promise), two.run('a', () => slow.promise), two.run('a', () => slow.promise)];
  await new Promise((x) => setImmediate(x));
  assert.deepEqual(two.load('a'), { active: 2, waiting: 1 });
  slow.resolve();
  await Promise.all(r);
});

test('a search that waited its turn runs with what is left of the budget; one that did not wait gets the whole budget', async () => {
  const gate = new SearchGate(1, 10_000);
  const slow = deferred();
  const budgets: (number | undefined)[] = [];
  const first = gate.run('a', async (budget) => { budgets.push(budget); await slow.promise; });
  const second = gate.run('a', async (budget) => { budgets.push(budget); });
  await new Promise((r) => setTimeout(r, 20));
  slow.resolve();
  await Promise.all([first, second]);
  assert.equal(budgets[0], undefined, 'the store applies its whole budget');
  assert.ok(typeof budgets[1] === 'number' && budgets[1] > 0 && budgets[1] <= 10_000 - 20, `the rest: ${budgets[1]}`);
  assert.deepEqual(await new SearchGate(0, 10).run('a', async (budget) => budget), undefined);
});
