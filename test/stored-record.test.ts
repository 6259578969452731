// Records as the embedded store keeps them: gzip members, read back one at a time or many at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asStoredRecord, compressRecord, inflateMany, recordJson, storedText } from '../src/store/stored-record.js';

test('many records inflate together and split back exactly, whatever mix of forms they come in', async () => {
  const texts = ['{"id":1}', '{"id":2,"name":"Zoë Ñúñez"}', '', '{"id":4,"long":"' + 'x'.repeat(70_000) + '"}'];
  const values = [compressRecord(texts[0]!), texts[1]!, undefined, compressRecord(texts[2]!), compressRecord(texts[3]!), texts[0]!];
  const out = await inflateMany(values);
  assert.deepEqual(out.map((b) => (b === null ? null : b.toString('utf8'))), [texts[0], texts[1], null, texts[2], texts[3], texts[0]]);
  assert.deepEqual(await inflateMany([]), []);
  assert.deepEqual(await inflateMany([undefined]), [null]);
});

test('a stored record reads back as its text, and identical texts compress to identical bytes', () => {
  const json = JSON.stringify({ id: 7, full_name: 'Ada Lovelace', experience: [{ title: 'Engineer' }] });
  assert.equal(storedText(compressRecord(json)), json);
  assert.equal(storedText(json), json);
  assert.ok(compressRecord(json).equals(compressRecord(json)));
  assert.equal(recordJson(asStoredRecord(compressRecord(json))), json);
  assert.deepEqual(asStoredRecord(json), { json });
});
