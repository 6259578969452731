import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { errorCatalogue } from '../src/errors/catalogue.js';
import { makeHarness, type Harness } from './helpers/harness.js';

let h: Harness;
before(async () => {
  h = await makeHarness();
});
after(() => h.close());

test('healthz answers without credentials', async () => {
  const res = await h.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'ok', store: h.rt.store.dialect });
});

test('the OpenAPI 3.1 document is generated from the route schemas', async () => {
  const res = await h.app.inject({ method: 'GET', url: '/cdapi/openapi.json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  assert.equal(doc.openapi, '3.1.0');
  const paths = Object.keys(doc.paths);
  assert.ok(paths.includes('/cdapi/v2/employee_clean/collect/{*}') || paths.some((p) => p.startsWith('/cdapi/v2/employee_clean/collect/')), paths.join(','));
  assert.ok(paths.some((p) => p.startsWith('/cdapi/v1/professional_network/employee/collect/')));
  assert.ok(doc.components.securitySchemes.apikey);
  const collect = doc.paths[paths.find((p) => p.startsWith('/cdapi/v2/employee_clean/collect/'))!].get;
  assert.ok(collect.responses['402']);
});

test('the docs page renders', async () => {
  const res = await h.app.inject({ method: 'GET', url: '/cdapi/docs/' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /swagger/i);
});

test('docs/errors.md lists exactly the error catalogue', async () => {
  const md = await readFile(fileURLToPath(new URL('../../docs/errors.md', import.meta.url)), 'utf8');
  const rows = md.split('\n').filter((l) => /^\| `[A-Z_]+` \|/.test(l));
  const documented = new Map(
    rows.map((l) => {
      const cells = l.split('|').map((c) => c.trim());
      return [cells[1]!.replaceAll('`', ''), { status: Number(cells[2]), body: cells[3]!.replace(/^`|`$/g, '') }];
    }),
  );
  assert.deepEqual([...documented.keys()].sort(), Object.keys(errorCatalogue).sort());
  for (const [code, entry] of Object.entries(errorCatalogue)) {
    assert.equal(documented.get(code)!.status, entry.status, code);
    assert.equal(documented.get(code)!.body, JSON.stringify(entry.body), code);
  }
});

test('odd paths under the static files of the docs answer 4xx with a JSON body, never a 500 or a file outside them', async () => {
  for (const url of ['/cdapi/docs/static/%00', '/cdapi/docs/static/..%5c..%5cpackage.json', '/cdapi/docs/static/../../../etc/passwd', '/cdapi/docs/static/%2e%2e/%2e%2e/package.json', '/cdapi/docs/static/..%2f..%2fpackage.json']) {
    const res = await h.app.inject({ method: 'GET', url });
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${url} → ${res.statusCode}`);
    assert.doesNotMatch(res.body, /"name":\s*"rollcall"|root:/, url);
    assert.doesNotThrow(() => JSON.parse(res.body), url);
  }
});
