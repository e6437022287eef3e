import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FsEntry } from '../../src/model/snapshot/fsEntry.js';
import { hashObject } from '../../src/model/git/gitObject.js';
import { metaBlobMismatch } from '../../src/model/snapshot/metaBlobMismatch.js';
import { asOid } from '../../src/model/git/oid.js';
import type { RepoPath } from '../../src/model/snapshot/repoPath.js';

const base = { uid: 0, gid: 0, xattrs: [] };
const tool: Extract<FsEntry, { kind: 'file' }> = { ...base, path: 'usr/bin/tool' as RepoPath, kind: 'file', mode: 0o4755, oid: asOid('a'.repeat(40)), size: 8 };
const link: Extract<FsEntry, { kind: 'symlink' }> = { ...base, path: 'bin' as RepoPath, kind: 'symlink', mode: 0o777, oid: hashObject('blob', Buffer.from('usr/bin')), target: 'usr/bin' };

test('a meta line disagrees with its blob on a file size or a symlink target', () => {
  assert.equal(metaBlobMismatch(tool, 8), null);
  assert.equal(metaBlobMismatch(tool, 6), 'the meta record says 8 bytes, the blob has 6');
  assert.equal(metaBlobMismatch(tool), null, 'a blob of unknown size is left to the object checks');
  assert.equal(metaBlobMismatch(link), null);
  assert.equal(metaBlobMismatch({ ...link, target: '/etc/shadow' }), "the meta record's target /etc/shadow is not the blob's content");
});
