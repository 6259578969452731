// Every `curl` example of README.md, run as written against `serve --demo` (the data `npm start`
// makes), from a directory laid out like the repository root after `npm start` (data/tls/cert.pem,
// data/demo-key.json). Each must answer 2xx, and each search must find someone: an example that
// answers 404 or an empty list on the demo data is a broken promise to a new user. The README's
// placeholders are shell variables this test fills as a reader would: KEY and JWT from the demo
// key, AFTER from the previous search's x-next-page-after, REQUEST_ID from the first data request,
// FILE from its files list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../src/util/package-root.js';
import { tempDir } from './helpers/harness.js';
import { testStore } from './helpers/pg-database.js';
import { startReceiver } from './helpers/receiver.js';
import { startServer } from './helpers/processes.js';

const exec = promisify(execFile);

/** The curl commands of the README's `sh` blocks, continuation lines joined. */
export function readmeCurls(markdown: string): string[] {
  const out: string[] = [];
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = block[1]!.replace(/\\\n\s*/g, ' ').split('\n');
    // A trailing `# comment` is the README talking, not part of the command.
    for (const line of lines) if (/^curl\s/.test(line.trim())) out.push(line.trim().replace(/\s+#\s[^'"]*$/, ''));
  }
  return out;
}

interface Answer { status: number; headers: Record<string, string>; body: string }

function parseAnswer(stdout: string, withHeaders: boolean): Answer {
  const lines = stdout.split('\n');
  const status = Number(lines.pop());
  let text = lines.join('\n');
  const headers: Record<string, string> = {};
  if (withHeaders) {
    // Only the last response's headers (curl -i prints each of them).
    const parts = text.split(/\r?\n\r?\n/);
    const head = parts.shift()!;
    for (const h of head.split(/\r?\n/).slice(1)) {
      const at = h.indexOf(':');
      if (at > 0) headers[h.slice(0, at).trim().toLowerCase()] = h.slice(at + 1).trim();
    }
    text = parts.join('\n\n');
  }
  return { status, headers, body: text };
}

const skip = testStore() === 'postgres' ? 'the README examples run on the embedded store `npm start` uses' : false;

test('every curl example in README.md answers 2xx on the demo data, and every search finds someone', { skip, timeout: 300_000 }, async () => {
  const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
  const curls = readmeCurls(readme);
  assert.ok(curls.length >= 25, `found ${curls.length} curl examples`);
  const dir = await tempDir('rollcall-readme-');
  const hook = await startReceiver();
  // The README's receiver listens on 127.0.0.1:9000; this one is wherever the system put it.
  const server = await startServer(['--demo', '--data-dir', join(dir, 'data')], { ROLLCALL_DEMO_PEOPLE: '1000', ROLLCALL_WEBHOOK_ALLOW_PRIVATE: 'true', ROLLCALL_JOB_POLL_MS: '100' });
  try {
    const origin = new URL(server.baseUrl).origin;
    const demo = JSON.parse(readFileSync(join(dir, 'data', 'demo-key.json'), 'utf8')) as { api_key: string; jwt: string; admin_token: string };
    writeFileSync(join(dir, 'ids.csv'), '100000001\n100000002\n');
    const vars: Record<string, string> = { KEY: demo.api_key, JWT: demo.jwt, ADMIN_TOKEN: demo.admin_token };
    const run = async (command: string): Promise<Answer> => {
      const line = command.replaceAll('https://127.0.0.1:8443', origin).replaceAll('http://127.0.0.1:9000/hook', hook.url);
      const { stdout } = await exec('bash', ['-c', `${line} -sS -w '\\n%{http_code}'`], { cwd: dir, env: { ...process.env, ...vars }, maxBuffer: 64 << 20 });
      return parseAnswer(stdout, /\s-i\s/.test(` ${line} `));
    };
    for (const command of curls) {
      if (command.includes('$AFTER') && vars['AFTER'] === undefined) assert.fail(`${command}: no earlier search gave x-next-page-after`);
      let answer = await run(command);
      // A data request's files list answers 202 until its files are written.
      for (const deadline = Date.now() + 30_000; answer.status === 202 && /\/files$/.test(command); answer = await run(command)) {
        assert.ok(Date.now() < deadline, `${command}: still 202 after 30 s`);
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(answer.status >= 200 && answer.status < 300, `${command}\n→ ${answer.status} ${answer.body.slice(0, 300)}`);
      if (/\/search\//.test(command)) {
        const found = JSON.parse(answer.body) as unknown[];
        assert.ok(Array.isArray(found) && found.length > 0, `${command}\n→ finds nobody on the demo data`);
      }
      if (answer.headers['x-next-page-after']) vars['AFTER'] = answer.headers['x-next-page-after'];
      if (/\/data_requests\/employee_clean\//.test(command) && vars['REQUEST_ID'] === undefined) vars['REQUEST_ID'] = (JSON.parse(answer.body) as { request_id: string }).request_id;
      if (/\/admin\/v1\/keys\s+-d /.test(command)) {
        const made = JSON.parse(answer.body) as { key: { id: string }; api_key: string };
        [vars['NEW_KEY_ID'], vars['NEW_KEY']] = [made.key.id, made.api_key];
      }
      if (/\/admin\/v1\/usage\?/.test(command)) assert.equal((JSON.parse(answer.body) as { totals: { requests: number } }).totals.requests, 1, `${command}\n→ the new key's collect is not in its usage`);
      if (/\/files$/.test(command)) vars['FILE'] = (JSON.parse(answer.body) as { data_request_files: string[] }).data_request_files[0]!;
      if (/\/collect\/|enrich\?/.test(command) && !/\/files\//.test(command)) assert.ok(typeof (JSON.parse(answer.body) as { id?: unknown }).id === 'number', `${command}\n→ not a record`);
    }
    assert.ok(vars['REQUEST_ID'] && vars['FILE'] && vars['AFTER'], 'the bulk and paging walk-throughs ran');
    assert.ok(vars['NEW_KEY_ID'], 'the admin walk-through made a key');
    const part = await exec('bash', ['-c', 'zcat part-00000.json.gz | head -1'], { cwd: dir });
    assert.equal(typeof (JSON.parse(part.stdout) as { id: unknown }).id, 'number', 'the downloaded part file holds records');
  } finally {
    await server.stop();
    await hook.close();
    await rm(dir, { recursive: true, force: true });
  }
});
