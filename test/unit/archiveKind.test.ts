import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { archiveKind, unsafeMemberReason } from '../../src/model/tar/archiveKind.js';

describe('archiveKind', () => {
  it('knows tar archives by any compression suffix', () => {
    for (const name of ['a-1.tar', 'a-1.tar.gz', 'a-1.tgz', 'a-1.tar.bz2', 'a-1.tbz2', 'a-1.tar.xz', 'a-1.txz', 'a-1.tar.zst', 'a-1.tar.lz']) {
      assert.deepEqual(archiveKind(name), { kind: 'tar' }, name);
    }
  });

  it('knows zips, single compressed files and plain files', () => {
    assert.deepEqual(archiveKind('a-1.zip'), { kind: 'zip' });
    assert.deepEqual(archiveKind('notes.txt.gz'), { kind: 'compressed', decompressor: 'gzip', outputName: 'notes.txt' });
    assert.deepEqual(archiveKind('fix.patch.xz'), { kind: 'compressed', decompressor: 'xz', outputName: 'fix.patch' });
    assert.deepEqual(archiveKind('data.bz2'), { kind: 'compressed', decompressor: 'bzip2', outputName: 'data' });
    assert.deepEqual(archiveKind('fix.patch'), { kind: 'plain' });
    assert.deepEqual(archiveKind('.gz'), { kind: 'plain' });
  });
});

describe('unsafeMemberReason', () => {
  it('refuses absolute names and ".." components, accepts the rest', () => {
    assert.match(unsafeMemberReason('/etc/passwd') ?? '', /absolute/);
    assert.match(unsafeMemberReason('a/../../b') ?? '', /"\.\."/);
    assert.match(unsafeMemberReason('..') ?? '', /"\.\."/);
    assert.equal(unsafeMemberReason('hello-1.0/src/..x'), undefined);
    assert.equal(unsafeMemberReason('./hello-1.0/'), undefined);
  });
});
