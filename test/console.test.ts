// The web console in a real browser (Debian's Chromium, driven by playwright-core) against a real
// `rollcall serve` on the store under test: sign in with an admin token, create a key, run a
// playground search and preview with it, and see the usage chart count them; the data requests
// and subscriptions pages list what the key made. Screenshots go to a temp dir, or to docs/ with
// ROLLCALL_SCREENSHOTS=docs (the README shows those).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { tempDir } from './helpers/harness.js';
import { testStoreAt } from './helpers/pg-database.js';
import { cli, startServer, type Server } from './helpers/processes.js';
import { packageRoot } from '../src/util/package-root.js';

const people = 60;

let server: Server;
let browser: Browser;
let adminToken: string;
let shots: string;
let drop: () => Promise<void>;

before(async () => {
  const dir = await tempDir('rollcall-console-');
  const at = await testStoreAt(join(dir, 'data'));
  drop = at.drop;
  cli('generate', '--people', String(people), '--seed', '6', '--out', join(dir, 'gen'));
  cli('import', ...at.args, '--dataset', 'employee_clean', join(dir, 'gen', 'employee_clean.jsonl.gz'));
  adminToken = (JSON.parse(cli('admin', 'create-token', ...at.args, '--name', 'console test', '--json')) as { token: string }).token;
  server = await startServer(at.args, { ROLLCALL_RATE_LIMIT_SEARCH: '0', ROLLCALL_JOB_POLL_MS: '100' });
  shots = process.env['ROLLCALL_SCREENSHOTS'] === 'docs' ? join(packageRoot(), 'docs') : dir;
  // Chromium is installed by the test runner (scripts/run-tests.mjs) from Debian's chromium package.
  browser = await chromium.launch({ executablePath: process.env['ROLLCALL_TEST_CHROMIUM'] ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await drop?.();
});

const origin = (): string => new URL(server.baseUrl).origin;

async function chartTotal(page: Page): Promise<number> {
  await page.click('#tab-usage');
  await page.waitForSelector('#usage-chart canvas');
  return Number(await page.getAttribute('#usage-chart', 'data-total-requests'));
}

test('sign in, create a key, search and preview in the playground, and the usage chart counts them', async () => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const failures: string[] = [];
  page.on('pageerror', (e) => failures.push(String(e)));
  try {
    await page.goto(`${origin()}/console/`);
    // A wrong token is refused with the server's words.
    await page.fill('#token', `rcadm_${'x'.repeat(40)}`);
    await page.click('#signin');
    assert.match(await page.textContent('[role=alert]') ?? '', /401: Invalid admin token/);
    await page.screenshot({ path: join(shots, 'console-signin.png') });
    await page.fill('#token', adminToken);
    await page.click('#signin');
    await page.waitForSelector('text=signed in: console test');

    await page.fill('#key-name', 'browser partner');
    await page.fill('#key-search', '50');
    await page.click('#create-key');
    const apiKey = (await page.textContent('#new-api-key'))!.trim();
    assert.match(apiKey, /^[A-Za-z0-9]{32}$/);
    const row = page.locator('#keys tr', { hasText: 'browser partner' });
    await row.waitFor();
    assert.match(await row.textContent() ?? '', /active/);
    const keyId = (await row.getAttribute('data-key'))!;
    await page.screenshot({ path: join(shots, 'console-keys.png') });

    const before = await chartTotal(page);

    await page.click('#tab-playground');
    assert.equal(await page.inputValue('#pg-key'), apiKey, 'the key made in this console is filled in');
    await page.fill('#pg-query', '{"query":{"match_all":{}}}');
    await page.click('#pg-search');
    await page.waitForSelector('#pg-ids');
    assert.equal(await page.textContent('#pg-total'), String(people));
    assert.equal(await page.textContent('#pg-cost'), '1');
    assert.equal((JSON.parse((await page.textContent('#pg-ids'))!) as number[]).length, people);
    assert.match(await page.textContent('#pg-curl-text') ?? '', /^curl -H 'apikey: [A-Za-z0-9]{32}' .*\/cdapi\/v2\/employee_clean\/search\/es_dsl -d '\{"query":\{"match_all":\{\}\}\}'$/);
    await page.click('#pg-preview');
    await page.waitForSelector('#pg-items');
    const items = JSON.parse((await page.textContent('#pg-items'))!) as Record<string, unknown>[];
    assert.equal(items.length, 20);
    assert.ok(items.every((i) => typeof i['id'] === 'number'));
    await page.screenshot({ path: join(shots, 'console-playground.png') });
    // A malformed query is the server's 400, shown as it is.
    await page.fill('#pg-query', '{"query":{"no_such_query":{}}}');
    await page.click('#pg-search');
    assert.match(await page.textContent('#pg-result [role=alert]') ?? '', /^400: /);

    const after = await chartTotal(page);
    assert.equal(after, before + 3, 'the usage chart counts the search, the preview and the refused search');
    await page.selectOption('#usage-key', keyId);
    await page.waitForFunction("document.querySelector('#usage-totals')?.textContent?.startsWith('3 requests, 1 errors')");
    assert.match(await page.textContent('#usage-endpoints') ?? '', /POST \/cdapi\/v2\/employee_clean\/search\/es_dsl\/preview/);
    await page.screenshot({ path: join(shots, 'console-usage.png') });

    // Revoking from the console stops the key.
    page.once('dialog', (d) => void d.accept());
    await page.click('#tab-keys');
    await page.locator('#keys tr', { hasText: 'browser partner' }).locator('text=Revoke').click();
    await page.locator('#keys tr', { hasText: 'browser partner' }).locator('text=revoked').waitFor();
    assert.deepEqual(failures, []);
  } finally {
    await context.close();
  }
});

test('the data requests and subscriptions pages list them across keys', async () => {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 700 } });
  const page = await context.newPage();
  try {
    await page.goto(`${origin()}/console/`);
    await page.fill('#token', adminToken);
    await page.click('#signin');
    await page.waitForSelector('text=signed in');
    // Made through the API with a new key, so the pages have something of someone else's to show.
    const made = await page.evaluate(async (token) => {
      const res = await fetch('/admin/v1/keys', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ collect_credits: 100 }) });
      const body = (await res.json()) as { api_key: string; key: { id: string } };
      const bulk = await fetch('/cdapi/v2/data_requests/employee_clean/es_dsl', { method: 'POST', headers: { apikey: body.api_key, 'content-type': 'application/json' }, body: JSON.stringify({ es_dsl_query: { query: { match_all: {} } }, limit: 5 }) });
      const sub = await fetch('/cdapi/v2/subscriptions/experience_changes/employee_clean/all', { method: 'POST', headers: { apikey: body.api_key, 'content-type': 'application/json' }, body: JSON.stringify({ webhook_url: 'https://hooks.example.com/rollcall' }) });
      return { id: body.key.id, bulk: bulk.status, sub: sub.status };
    }, adminToken);
    assert.deepEqual([made.bulk, made.sub], [201, 200]);
    await page.click('#tab-requests');
    const request = page.locator('#requests tr', { hasText: made.id });
    await request.waitFor();
    // The request finishes while the page is open; a fresh look shows it completed with its file.
    for (let i = 0; i < 50 && !/completed/.test(await request.textContent() ?? ''); i++) {
      await new Promise((r) => setTimeout(r, 200));
      await page.click('#tab-keys');
      await page.click('#tab-requests');
      await request.waitFor();
    }
    assert.match(await request.textContent() ?? '', /completed.*5/);
    await page.screenshot({ path: join(shots, 'console-requests.png') });
    await page.click('#tab-subscriptions');
    const sub = page.locator('#subscriptions tr', { hasText: made.id });
    await sub.waitFor();
    assert.match(await sub.textContent() ?? '', /experience changes of employee_clean \(all\)/);
    assert.match(await sub.textContent() ?? '', /hooks\.example\.com/);
  } finally {
    await context.close();
  }
});
