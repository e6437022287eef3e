import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asOid } from '../../src/model/git/oid.js';
import { parsePackIndex, serializePackIndex } from '../../src/model/git/packIndex.js';

test('a pack index reads back as it was written, large offsets too; a damaged one is not believed', () => {
  const entries = [
    { oid: asOid('aa'.repeat(20)), crc32: 0xdeadbeef, offset: 12 },
    { oid: asOid('0b'.repeat(20)), crc32: 7, offset: 2 ** 33 + 5 },
  ];
  const index = serializePackIndex(entries, Buffer.alloc(20, 9));
  assert.deepEqual(parsePackIndex(index), [entries[1], entries[0]]);
  const damaged = Buffer.from(index);
  damaged[8 + 1024 + 3]! ^= 1;
  assert.equal(parsePackIndex(damaged), null);
  assert.equal(parsePackIndex(index.subarray(0, 100)), null);
});
