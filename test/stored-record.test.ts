// Records as the embedded store keeps them (gzip members, or deflated with a dictionary), read back one at a time or many at once.
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

test('records deflated with a dictionary read back exactly, in fewer bytes than gzip members, mixed with the other forms', async () => {
  const { people } = await import('./helpers/harness.js');
  const { trainDictionary } = await import('../src/store/stored-record.js');
  const bytes = trainDictionary(people(8, 1).clean.map((r) => JSON.stringify(r)))!;
  assert.ok(bytes.length > 0 && bytes.length <= 32 * 1024, `${bytes.length} bytes`);
  const dictionary = { id: 3, bytes };
  const lookup = (id: number): Uint8Array => {
    assert.equal(id, 3);
    return bytes;
  };
  const others = people(30, 99).clean.map((r) => JSON.stringify(r));
  let deflated = 0;
  let gzipped = 0;
  for (const json of others) {
    const kept = compressRecord(json, dictionary);
    assert.equal(kept[0], 1, 'marked as deflated with a dictionary');
    assert.equal(kept.readUInt32LE(1), 3, 'naming its dictionary');
    assert.equal(storedText(kept, lookup), json);
    assert.ok(kept.equals(compressRecord(json, dictionary)), 'the same text, the same bytes');
    deflated += kept.length;
    gzipped += compressRecord(json).length;
  }
  assert.ok(deflated < gzipped * 0.75, `${deflated} bytes with the dictionary, ${gzipped} as gzip members`);

  const values = [compressRecord(others[0]!, dictionary), compressRecord(others[1]!), others[2]!, undefined, compressRecord('', dictionary), compressRecord(others[3]!, dictionary)];
  const out = await inflateMany(values, lookup);
  assert.deepEqual(out.map((b) => (b === null ? null : b.toString('utf8'))), [others[0], others[1], others[2], null, '', others[3]]);
  assert.deepEqual(asStoredRecord(compressRecord(others[0]!, dictionary), lookup), { json: others[0] });
  assert.throws(() => storedText(compressRecord(others[0]!, dictionary)), /dictionary 3/);
});

test('a dictionary is the last 32 KB of its samples, and there is none without 16 KB of them', async () => {
  const { trainDictionary } = await import('../src/store/stored-record.js');
  assert.equal(trainDictionary([]), null);
  assert.equal(trainDictionary(['']), null);
  assert.equal(trainDictionary(['{"a":1}', '{"b":2}']), null);
  assert.equal(trainDictionary(['a'.repeat(8 * 1024), 'b'.repeat(8 * 1024 - 2)]), null, 'one byte short');
  const small = ['a'.repeat(8 * 1024), 'b'.repeat(8 * 1024 - 1)];
  assert.deepEqual(Buffer.from(trainDictionary(small)!).toString(), small.join('\n'));
  const long = ['x'.repeat(20_000), 'y'.repeat(20_000)];
  const bytes = Buffer.from(trainDictionary(long)!);
  assert.equal(bytes.length, 32 * 1024);
  assert.ok(Buffer.from(long.join('\n')).subarray(-32 * 1024).equals(bytes));
});
