import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FsEntry } from '../../src/model/snapshot/fsEntry.js';
import { hashObject } from '../../src/model/git/gitObject.js';
import { asOid } from '../../src/model/git/oid.js';
import { describeStatDifference, expectedStatKey, statKeyOf } from '../../src/model/snapshot/rawStatKey.js';
import type { RepoPath } from '../../src/model/snapshot/repoPath.js';

const path = 'usr/bin/tool' as RepoPath;
const base = { path, uid: 0, gid: 0, xattrs: [] };
const tool: FsEntry = { ...base, kind: 'file', mode: 0o4755, oid: asOid('a'.repeat(40)), size: 8 };
const link: FsEntry = { ...base, kind: 'symlink', mode: 0o777, oid: hashObject('blob', Buffer.from('usr/bin')), target: 'usr/bin' };
const stat = (mode: number, extra: Partial<{ uid: number; gid: number; size: number; rdev: number }> = {}) => ({ mode, uid: 0, gid: 0, size: 0, rdev: 0, ...extra });
const noTarget = () => assert.fail('readlink is only for symlinks');

test('a raw entry passes when lstat shows what its entry says, and the difference is named when not', () => {
  assert.equal(statKeyOf(stat(0o104755, { size: 8 }), noTarget), expectedStatKey(tool));
  const lost = statKeyOf(stat(0o100755, { size: 8 }), noTarget);
  assert.equal(describeStatDifference(expectedStatKey(tool), lost), 'mode 0755, the snapshot has 4755');
  const chowned = statKeyOf(stat(0o104755, { size: 9, uid: 5, gid: 6 }), noTarget);
  assert.equal(describeStatDifference(expectedStatKey(tool), chowned), 'owner 5:6, the snapshot has 0:0; 9 bytes, the snapshot has 8 bytes');
  assert.equal(describeStatDifference(expectedStatKey(tool), statKeyOf(stat(0o120777), () => '/etc/shadow')), 'it is a symlink, the snapshot has a file');
  assert.equal(describeStatDifference(expectedStatKey(tool), statKeyOf(stat(0o40755), noTarget)), 'it is a directory, the snapshot has a file');
});

test('a symlink is compared by its target (with spaces too), not by its permission bits', () => {
  assert.equal(statKeyOf(stat(0o120777), () => 'usr/bin'), expectedStatKey(link));
  assert.equal(statKeyOf(stat(0o120777), () => 'usr/bin'), expectedStatKey({ ...link, mode: 0o755 }));
  const spaced = { ...link, target: 'a b  c' };
  assert.equal(statKeyOf(stat(0o120777), () => 'a b  c'), expectedStatKey(spaced));
  assert.equal(describeStatDifference(expectedStatKey(spaced), statKeyOf(stat(0o120777), () => 'a b')), '-> a b, the snapshot has -> a b  c');
});

test('a device is compared by its numbers, a fifo by its kind', () => {
  const device: FsEntry = { ...base, kind: 'chardev', mode: 0o666, major: 1, minor: 3 };
  assert.equal(statKeyOf(stat(0o20666, { rdev: (1 << 8) | 3 }), noTarget), expectedStatKey(device));
  assert.equal(describeStatDifference(expectedStatKey(device), statKeyOf(stat(0o20666, { rdev: (1 << 8) | 5 }), noTarget)), 'device 1,5, the snapshot has device 1,3');
  const fifo: FsEntry = { ...base, kind: 'fifo', mode: 0o644 };
  assert.equal(statKeyOf(stat(0o10644), noTarget), expectedStatKey(fifo));
  assert.equal(describeStatDifference(expectedStatKey(fifo), statKeyOf(stat(0o100644), noTarget)), 'it is a file, the snapshot has a fifo');
});
