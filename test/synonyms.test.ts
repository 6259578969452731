// The job-title synonym table of semantic search: the catalogue's table is deterministic and
// symmetric where the catalogue is, a file replaces it, and bad files are refused with the reason;
// the rewrite widens only title clauses and keeps the original title first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogueSynonyms, loadSynonymFile, titleConfidence } from '../src/datasets/synonyms.js';
import { expandTitles, synonymsHeader } from '../src/query/semantic-expand.js';
import { tempDir } from './helpers/harness.js';

test('the catalogue table: the same every time, related titles by shared words, both spellings of a director', () => {
  const a = catalogueSynonyms();
  const b = catalogueSynonyms();
  assert.deepEqual([...a], [...b]);
  assert.equal(titleConfidence('Software Engineer', 'Software Developer'), 1, 'developer and engineer name the same job');
  assert.equal(titleConfidence('Backend Engineer', 'Frontend Engineer'), 0.67);
  assert.deepEqual(a.get('director of engineering'), [{ title: 'Engineering Director', confidence: 0.98 }]);
  assert.ok(a.get('senior software engineer')!.some((s) => s.title === 'Lead Software Engineer' && s.confidence === 0.9));
  for (const [title, list] of a) {
    assert.ok(list.every((s) => s.confidence > 0 && s.confidence <= 1 && s.title.toLowerCase() !== title));
    assert.deepEqual(list.map((s) => s.confidence), [...list.map((s) => s.confidence)].sort((x, y) => y - x), 'most confident first');
  }
});

test('a synonym file is read as written; a bad one is refused naming the problem', async () => {
  const dir = await tempDir('rollcall-synonyms-');
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ 'Data Wrangler': [{ title: 'Data Engineer', confidence: 0.7 }] }));
  assert.deepEqual([...loadSynonymFile(good)], [['data wrangler', [{ title: 'Data Engineer', confidence: 0.7 }]]]);
  const cases: [unknown, RegExp][] = [
    [[], /JSON object/],
    [{ x: 'y' }, /must be a list/],
    [{ x: [{ title: 'y', confidence: 2 }] }, /confidence between 0 and 1/],
    [{ x: [{ confidence: 0.5 }] }, /needs a title/],
  ];
  for (const [content, message] of cases) {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(content));
    assert.throws(() => loadSynonymFile(file), message);
  }
  writeFileSync(join(dir, 'broken.json'), '{');
  assert.throws(() => loadSynonymFile(join(dir, 'broken.json')), /cannot read/);
  assert.throws(() => loadSynonymFile(join(dir, 'missing.json')), /cannot read/);
});

test('the rewrite widens match, match_phrase and .exact term clauses on title fields only', () => {
  const table = new Map([['data wrangler', [{ title: 'Data Engineer', confidence: 0.9 }, { title: 'ETL Developer', confidence: 0.5 }]]]);
  const fields = new Set(['experience.position_title']);
  const request = { query: { bool: { must: [
    { match_phrase: { 'experience.position_title': { query: 'Data  Wrangler', slop: 1 } } },
    { term: { 'experience.position_title.exact': 'Data Wrangler' } },
    { match: { headline: 'Data Wrangler' } },
    { match: { 'experience.position_title.exact': 'Data Wrangler' } },
  ] } } };
  const { request: out, injected } = expandTitles(request, fields, table, 0.8);
  const must = (out as { query: { bool: { must: unknown[] } } }).query.bool.must;
  assert.deepEqual(must[0], { bool: { should: [
    { match_phrase: { 'experience.position_title': { query: 'Data  Wrangler', slop: 1 } } },
    { match_phrase: { 'experience.position_title': { query: 'Data Engineer', slop: 1, boost: 0.9 } } },
  ], minimum_should_match: 1 } });
  assert.deepEqual(must[1], { bool: { should: [
    { term: { 'experience.position_title.exact': 'Data Wrangler' } },
    { term: { 'experience.position_title.exact': { value: 'Data Engineer', boost: 0.9 } } },
  ], minimum_should_match: 1 } });
  assert.deepEqual(must[2], request.query.bool.must[2], 'not a title field');
  assert.deepEqual(must[3], request.query.bool.must[3], 'a full-text query on a keyword is left alone');
  assert.equal(injected.length, 2);
  assert.equal(synonymsHeader([{ field: 'f', title: 'Señor', synonym: 'x', confidence: 1, boosted: true }]), '[{"field":"f","title":"Se\\u00f1or","synonym":"x","confidence":1,"boosted":true}]');
});
