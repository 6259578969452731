// The command line explains itself: `rollcall help COMMAND`, `rollcall COMMAND --help` and `-h`
// print the command's options and an example and exit 0; an unknown command is refused clearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rollcallBin } from './helpers/processes.js';

const run = (...args: string[]) => spawnSync(process.execPath, [rollcallBin, ...args], { encoding: 'utf8', env: { ...process.env, ROLLCALL_LOG_LEVEL: 'silent' } });

test('every command has help with its options and an example, however it is asked for', () => {
  for (const command of ['serve', 'generate', 'import', 'index', 'worker', 'webhooks', 'keys', 'credits', 'admin', 'backup', 'restore']) {
    for (const args of [[command, '--help'], [command, '-h'], ['help', command], [command, '--data-dir', '/nonexistent', '--help']]) {
      const r = run(...args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^rollcall ${command} `), args.join(' '));
      assert.match(r.stdout, /\nexample:\n {2}rollcall /, args.join(' '));
      assert.match(r.stdout, /--database-url/, args.join(' '));
    }
  }
  assert.match(run('import', '--help').stdout, /--defer-index/);
  assert.match(run('keys', '--help').stdout, /subscription_create/);
});

test('help for an unknown command, and an unknown option, say what is wrong', () => {
  const unknown = run('help', 'frobnicate');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const bad = run('import', '--dataset', 'employee_clean', '--nope', 'x.jsonl');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--nope/);
  const general = run('help');
  assert.equal(general.status, 0);
  assert.match(general.stdout, /rollcall help COMMAND/);
});

test('a negative or malformed number is refused naming the flag and the rule, before anything is touched', () => {
  for (const [args, message] of [
    [['credits', 'add', '--data-dir', '/nonexistent/rollcall', 'key_x', '--collect', '-100'], /--collect must be an integer >= 0, got "-100"/],
    [['credits', 'add', '--data-dir', '/nonexistent/rollcall', 'key_x', '--search', '1.5'], /--search must be an integer >= 0, got "1.5"/],
    [['keys', 'create', '--data-dir', '/nonexistent/rollcall', '--search-credits', '-5'], /--search-credits must be an integer >= 0, got "-5"/],
    [['generate', '--people', '-3', '--out', '/nonexistent/rollcall'], /--people must be an integer >= 1, got "-3"/],
    [['generate', '--people', 'ten', '--out', '/nonexistent/rollcall'], /--people must be an integer >= 1, got "ten"/],
  ] as const) {
    const res = run(...args);
    assert.equal(res.status, 2, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, message);
  }
});
