import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHacktreeError } from '../../src/errors/HacktreeError.js';
import { parseOldGnuSparse, parseSparseMapPrefix, sparseMapOfPax } from '../../src/model/tar/sparseMap.js';
import { readTime } from '../../src/model/tar/tarNumber.js';

const refused = (pattern: RegExp) => (err: unknown): boolean => {
  assert.ok(isHacktreeError(err, 'TAR_INVALID'), String(err));
  assert.match(err.message, pattern);
  return true;
};

describe('GNU sparse maps', () => {
  it('reads pax 0.0 (repeated offset/numbytes), 0.1 (map) and 1.0 (map in the data)', () => {
    const segments = [{ offset: 1048576, size: 4096 }, { offset: 3141632, size: 4096 }, { offset: 3145728, size: 0 }];
    const v00 = new Map([['GNU.sparse.size', '3145728'], ['GNU.sparse.numblocks', '3'],
      ['GNU.sparse.offset', '1048576,3141632,3145728'], ['GNU.sparse.numbytes', '4096,4096,0']]);
    assert.deepEqual(sparseMapOfPax(v00), { realSize: 3145728, segments, name: undefined });
    const v01 = new Map([['GNU.sparse.size', '3145728'], ['GNU.sparse.numblocks', '3'], ['GNU.sparse.name', './s'],
      ['GNU.sparse.map', '1048576,4096,3141632,4096,3145728,0']]);
    assert.deepEqual(sparseMapOfPax(v01), { realSize: 3145728, segments, name: './s' });
    const v10 = new Map([['GNU.sparse.major', '1'], ['GNU.sparse.minor', '0'], ['GNU.sparse.name', './s'], ['GNU.sparse.realsize', '3145728']]);
    assert.deepEqual(sparseMapOfPax(v10), { realSize: 3145728, name: './s' });
    const prefix = Buffer.alloc(512);
    prefix.write('3\n1048576\n4096\n3141632\n4096\n3145728\n0\n');
    assert.deepEqual(parseSparseMapPrefix(prefix, 3145728), { segments, length: 512 });
    assert.equal(parseSparseMapPrefix(Buffer.from('3\n1048576\n4096\n31416'), 3145728), undefined, 'needs another block');
  });

  it('reads an old GNU S header and its extension block', () => {
    const header = Buffer.alloc(512);
    header.write('00000000000\0' + '00000001000\0', 386, 'latin1'); // offset 0, 512 bytes
    header[482] = 1;
    header.write('00000100000\0', 483, 'latin1');
    assert.deepEqual(parseOldGnuSparse(header, 'header'), { segments: [{ offset: 0, size: 512 }], extended: true, realSize: 0o100000 });
    const extension = Buffer.alloc(512);
    extension.write('00000077000\0' + '00000001000\0', 0, 'latin1');
    assert.deepEqual(parseOldGnuSparse(extension, 'extension'), { segments: [{ offset: 0o77000, size: 512 }], extended: false });
  });

  it('refuses maps that overlap, run past the file, or come in an unknown version', () => {
    assert.throws(() => sparseMapOfPax(new Map([['GNU.sparse.size', '100'], ['GNU.sparse.map', '0,60,50,10']])), refused(/overlaps/));
    assert.throws(() => sparseMapOfPax(new Map([['GNU.sparse.size', '100'], ['GNU.sparse.map', '90,20']])), refused(/past the file/));
    assert.throws(() => sparseMapOfPax(new Map([['GNU.sparse.major', '2'], ['GNU.sparse.minor', '0']])), refused(/format 2\.0/));
    assert.throws(() => sparseMapOfPax(new Map([['GNU.sparse.size', '100'], ['GNU.sparse.map', '0,10'], ['GNU.sparse.numblocks', '2']])), refused(/numblocks/));
    assert.throws(() => parseSparseMapPrefix(Buffer.from('x'.repeat(512)), 10), refused(/not decimal lines/));
  });
});

describe('tar time fields', () => {
  it('reads negative base-256 (GNU tar and bsdtar, before 1970), octal, and garbage as 0', () => {
    const field = (bytes: number[]): Buffer => {
      const block = Buffer.alloc(12);
      Buffer.from(bytes).copy(block, 12 - bytes.length);
      return block;
    };
    const minusOne = Buffer.alloc(12, 0xff);
    assert.equal(readTime(minusOne, [0, 12]), -1);
    const before1970 = Buffer.alloc(12, 0xff);
    before1970.writeInt32BE(-315619200, 8); // 1960-01-01
    assert.equal(readTime(before1970, [0, 12]), -315619200);
    const positive = field([0x12, 0x34]);
    positive[0] = 0x80;
    assert.equal(readTime(positive, [0, 12]), 0x1234);
    assert.equal(readTime(Buffer.from('14524770400\0'), [0, 12]), 1700000000);
    assert.equal(readTime(Buffer.from('not a time!\0'), [0, 12]), 0);
  });
});
