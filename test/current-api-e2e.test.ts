// Coresignal's current employee datasets end to end, as a client sees them: a real `rollcall
// serve` over HTTPS on the store under test, fed by the CLI with two generated snapshots. For each
// of employee_multi_source and employee_base: collect at its price, search paged through every
// page, preview, a bulk data request through to its part file, and an experience-change
// subscription that delivers the people whose jobs changed once the second snapshot is imported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { changedPeopleBetween } from '../src/generator/people-generator.js';
import { tempDir } from './helpers/harness.js';
import { testStoreAt } from './helpers/pg-database.js';
import { cli, httpsGet, httpsGetBuffer, httpsPost, startServer, type Response } from './helpers/processes.js';
import { startReceiver } from './helpers/receiver.js';

type Rec = Record<string, unknown>;

const lines = (file: string): Rec[] => gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);

const cases = [
  {
    dataset: 'employee_multi_source',
    collectPrice: 20,
    previewPrice: 20,
    previewKeys: ['id', 'full_name', 'professional_network_url', 'headline', 'location_full', 'location_country', 'connections_count', 'followers_count', 'company_name', 'company_professional_network_url', 'company_website', 'company_industry', 'active_experience_title', 'active_experience_department', 'active_experience_management_level', 'company_hq_full_address', 'company_hq_country', '_score'],
    cursor: /^"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z",\d+$/,
  },
  {
    dataset: 'employee_base',
    collectPrice: 10,
    previewPrice: 10,
    previewKeys: ['id', 'full_name', 'profile_url', 'headline', 'location', 'country', 'industry', 'connections_count', 'follower_count', 'experience_count', 'title', 'company_name', 'company_url', 'company_website', 'company_industry', 'experience_location', '_score'],
    cursor: /^"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}",\d+$/,
  },
] as const;

const people = 150;
const seed = 8;

for (const c of cases) {
  test(`${c.dataset} over HTTPS: collect, search through every page, preview, bulk to its part file, and an experience subscription across a second snapshot`, async () => {
    const dir = await tempDir('rollcall-current-');
    const at = await testStoreAt(join(dir, 'data'));
    cli('generate', '--people', String(people), '--seed', String(seed), '--snapshot', '0', '--out', join(dir, 's0'));
    cli('generate', '--people', String(people), '--seed', String(seed), '--snapshot', '1', '--out', join(dir, 's1'));
    const file0 = join(dir, 's0', `${c.dataset}.jsonl.gz`);
    cli('import', ...at.args, '--dataset', c.dataset, file0);
    const records = lines(file0);
    const key = JSON.parse(cli('keys', 'create', ...at.args, '--search-credits', '1000', '--collect-credits', '1000', '--json')) as { key_id: string; api_key: string };
    const hook = await startReceiver();
    const server = await startServer(at.args, {
      ROLLCALL_WEBHOOK_ALLOW_PRIVATE: 'true', ROLLCALL_JOB_POLL_MS: '100', ROLLCALL_SUBSCRIPTION_QUIET_MS: '300',
      ROLLCALL_RATE_LIMIT_SEARCH: '0', ROLLCALL_RATE_LIMIT_COLLECT: '0', ROLLCALL_RATE_LIMIT_BULK_FILES: '0',
    });
    try {
      const ca = readFileSync(join(dir, 'data', 'tls', 'cert.pem'), 'utf8');
      const h = { apikey: key.api_key };
      const api = `${server.baseUrl}/v2/${c.dataset}`;
      const json = (r: Response): unknown => JSON.parse(r.body);

      // Collect: the record as imported, at the dataset's price.
      const r = records[7]!;
      const got = await httpsGet(`${api}/collect/${r['id']}`, h, ca);
      assert.equal(got.status, 200, got.body);
      assert.deepEqual(json(got), r);
      assert.equal(got.headers['x-credits-remaining'], String(1000 - c.collectPrice));
      const missing = await httpsGet(`${api}/collect/1`, h, ca);
      assert.equal(missing.status, 404);
      assert.deepEqual(json(missing), { detail: 'Employee not found' });

      // Search: every id exactly once across the pages, newest first, with the dataset's cursor.
      const seen: number[] = [];
      let after: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await httpsPost(`${api}/search/es_dsl?items_per_page=40${after ? `&after=${encodeURIComponent(after)}` : ''}`, h, ca, { query: { match_all: {} } });
        assert.equal(res.status, 200, res.body);
        assert.equal(res.headers['x-total-results'], String(people));
        assert.equal(res.headers['x-total-pages'], String(Math.ceil(people / 40)));
        const ids = json(res) as number[];
        seen.push(...ids);
        if (ids.length < 40) break;
        after = String(res.headers['x-next-page-after']);
        assert.match(after, c.cursor);
      }
      assert.deepEqual([...seen].sort(), records.map((x) => x['id']).sort());
      assert.equal(new Set(seen).size, people);

      // Preview: 20 objects of the documented keys, charged per page.
      const before = Number((await httpsPost(`${api}/search/es_dsl?items_per_page=1`, h, ca, { query: { match_all: {} } })).headers['x-credits-remaining']);
      const preview = await httpsPost(`${api}/search/es_dsl/preview?page=2`, h, ca, { query: { match_all: {} } });
      assert.equal(preview.status, 200, preview.body);
      const objects = json(preview) as Rec[];
      assert.equal(objects.length, 20);
      for (const o of objects) assert.deepEqual(Object.keys(o), c.previewKeys);
      assert.equal(preview.headers['x-total-results'], String(people));
      assert.equal(preview.headers['x-credits-remaining'], String(before - c.previewPrice));

      // Bulk: a request by ids, polled until its file is listed, downloaded and unpacked.
      const wanted = records.slice(20, 25).map((x) => x['id'] as number);
      const created = await httpsPost(`${server.baseUrl}/v2/data_requests/${c.dataset}/ids`, h, ca, { ids: wanted });
      assert.equal(created.status, 201, created.body);
      const requestId = (json(created) as { request_id: string }).request_id;
      let files: string[] = [];
      for (const deadline = Date.now() + 20_000; files.length === 0; await new Promise((s) => setTimeout(s, 100))) {
        assert.ok(Date.now() < deadline, 'the data request never finished');
        const list = await httpsGet(`${server.baseUrl}/v2/data_requests/${requestId}/files`, h, ca);
        if (list.status === 200) files = (json(list) as { data_request_files: string[] }).data_request_files;
      }
      const part = await httpsGetBuffer(`${server.baseUrl}/v2/data_requests/${requestId}/files/${files[0]}`, h, ca);
      assert.equal(part.status, 200);
      const delivered = gunzipSync(part.body).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);
      assert.deepEqual(delivered.map((x) => x['id']).sort(), [...wanted].sort());
      assert.deepEqual(delivered.find((x) => x['id'] === wanted[0]), records[20]);

      // Subscription: the second snapshot, imported beside the running server, is delivered.
      const changed = [...changedPeopleBetween(seed, people, 0, 1)];
      const unchanged = records.map((x) => x['id'] as number).filter((id) => !changed.includes(id));
      assert.ok(changed.length >= 2, 'the generator changes some jobs between snapshots');
      const subscribed = [...changed.slice(0, 2), ...unchanged.slice(0, 2)];
      const sub = await httpsPost(`${server.baseUrl}/v2/subscriptions/experience_changes/${c.dataset}/ids`, h, ca, { webhook_url: hook.url, ids: subscribed });
      assert.equal(sub.status, 200, sub.body);
      cli('import', ...at.args, '--dataset', c.dataset, join(dir, 's1', `${c.dataset}.jsonl.gz`));
      const [delivery] = await hook.waitFor(1, 15_000);
      const items = JSON.parse(delivery!.body) as { member_id: number; status: string }[];
      assert.deepEqual(items.map((i) => i.member_id).sort(), changed.slice(0, 2).sort());
      assert.ok(items.every((i) => i.status === 'changed'));
    } finally {
      await server.stop();
      await hook.close();
      await at.drop();
    }
  });
}

test('company_base over HTTPS: the credential-test company, collect by id, name and company URL, free, and search through every page', async () => {
  const dir = await tempDir('rollcall-company-');
  const at = await testStoreAt(join(dir, 'data'));
  cli('generate', '--people', '20', '--seed', String(seed), '--out', join(dir, 'g'));
  const file = join(dir, 'g', 'company_base.jsonl.gz');
  cli('import', ...at.args, '--dataset', 'company_base', file);
  const companies = lines(file);
  const key = JSON.parse(cli('keys', 'create', ...at.args, '--search-credits', '5', '--collect-credits', '5', '--json')) as { api_key: string };
  const server = await startServer(at.args, { ROLLCALL_RATE_LIMIT_SEARCH: '0', ROLLCALL_RATE_LIMIT_COLLECT: '0' });
  try {
    const ca = readFileSync(join(dir, 'data', 'tls', 'cert.pem'), 'utf8');
    const h = { apikey: key.api_key };
    const api = `${server.baseUrl}/v2/company_base`;
    const fixture = await httpsGet(`${api}/collect/2`, h, ca);
    assert.equal(fixture.status, 200, fixture.body);
    assert.equal((JSON.parse(fixture.body) as Rec)['name'], 'Rollcall Fixture Company');
    assert.equal(fixture.headers['x-credits-remaining'], '5', 'free');
    assert.equal((await httpsGet(`${api}/collect/2`, { apikey: 'wrong' }, ca)).status, 401);
    const c = companies[10]!;
    for (const k of [String(c['id']), String(c['company_shorthand_name']), encodeURIComponent(String(c['url']))]) {
      const res = await httpsGet(`${api}/collect/${k}?fields=id,name`, h, ca);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(JSON.parse(res.body), { id: c['id'], name: c['name'] });
    }
    const seen: number[] = [];
    let after: string | undefined;
    for (let page = 0; page < 50; page++) {
      const res = await httpsPost(`${api}/search/es_dsl?items_per_page=1000${after ? `&after=${encodeURIComponent(after)}` : ''}`, h, ca, { query: { match_all: {} } });
      assert.equal(res.status, 200, res.body);
      assert.equal(res.headers['x-total-results'], String(companies.length));
      seen.push(...(JSON.parse(res.body) as number[]));
      after = res.headers['x-next-page-after'] as string | undefined;
      if (after === undefined) break;
    }
    assert.deepEqual([...seen].sort((a, b) => a - b), companies.map((x) => x['id'] as number).sort((a, b) => a - b));
  } finally {
    await server.stop();
    await at.drop();
  }
});
