import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkMemberMeta, MAX_OWNER_ID } from '../../src/model/tar/checkMemberMeta.js';
import type { EntryKind, Xattr } from '../../src/model/snapshot/fsEntry.js';
import type { MetaLine } from '../../src/model/snapshot/metaRecord.js';
import type { RepoPath } from '../../src/model/snapshot/repoPath.js';
import { xattrProblem } from '../../src/model/tar/xattrProblem.js';

const path = 'usr/bin/ping' as RepoPath;
const file = (fields: Partial<Extract<MetaLine, { kind: 'file' }>> = {}): MetaLine => ({ kind: 'file', path, mode: 0o755, uid: 0, gid: 0, xattrs: [], size: 1, ...fields });
const x = (name: string, value: string | Buffer = 'v'): Xattr => ({ name, value: Buffer.isBuffer(value) ? value : Buffer.from(value) });
const capability = (revision: number, size: number, effective = true): Buffer => {
  const value = Buffer.alloc(size);
  value.writeUInt32LE(revision | (effective ? 1 : 0), 0);
  return value;
};

test('a symlink is recorded with mode 0777 whatever the archive says; other kinds keep their mode', () => {
  const link: MetaLine = { kind: 'symlink', path, mode: 0o644, uid: 0, gid: 0, xattrs: [], target: 'ping6' };
  assert.equal(checkMemberMeta(link, 'a.tar: member 2').mode, 0o777);
  assert.equal(checkMemberMeta(file({ mode: 0o4755 }), 'a.tar: member 2').mode, 0o4755);
});

test('owners up to 4294967294 pass; beyond, OWNER_UNSUPPORTED names the member and the id', () => {
  assert.equal(checkMemberMeta(file({ uid: MAX_OWNER_ID, gid: MAX_OWNER_ID }), 'w').uid, 4294967294);
  for (const [fields, says] of [[{ uid: 2 ** 32 }, /uid 4294967296/], [{ gid: 2 ** 32 - 1 }, /gid 4294967295/], [{ uid: 2 ** 53 }, /uid 9007199254740992/]] as const) {
    assert.throws(() => checkMemberMeta(file(fields), 'a.tar: member 3'), { code: 'OWNER_UNSUPPORTED', message: new RegExp(`a\\.tar: member 3 usr/bin/ping: ${says.source}`) });
  }
});

test('xattrs setxattr(2) refuses are named; those it takes pass', () => {
  const refused: Array<[EntryKind, Xattr, RegExp]> = [
    ['file', x(''), /empty name/],
    ['file', x('foo.bar'), /no namespace Linux knows/],
    ['file', x('user'), /nothing after its namespace/],
    ['file', x('user.'), /nothing after its namespace/],
    ['file', x('user.a\0b'), /NUL/],
    ['file', x(`user.${'n'.repeat(251)}`), /256 bytes; Linux takes at most 255/],
    ['file', x('user.big', Buffer.alloc(65537)), /65537 bytes; Linux takes at most 65536/],
    ['symlink', x('user.note'), /on a symlink/],
    ['fifo', x('user.note'), /on a fifo/],
    ['chardev', x('user.note'), /on a chardev/],
    ['file', x('system.hacktree'), /no system\.\* attribute/],
    ['file', x('system.posix_acl_default'), /only directories/],
    ['file', x('security.capability', 'xyz'), /not a valid capability set/],
    ['file', x('security.capability', capability(0x01000000, 12)), /not a valid capability set/],
    ['file', x('security.capability', capability(0x02000000, 24)), /not a valid capability set/],
    ['file', x('security.capability', capability(0x03000000, 20)), /not a valid capability set/],
  ];
  for (const [kind, xattr, says] of refused) assert.match(xattrProblem(kind, xattr) ?? 'passed', says, `${kind} ${JSON.stringify(xattr.name)}`);
  const taken: Array<[EntryKind, Xattr]> = [
    ['file', x('user.note')],
    ['dir', x('user.note')],
    ['symlink', x('trusted.overlay.opaque', 'y')],
    ['symlink', x('security.selinux', 'system_u:object_r:bin_t:s0')],
    ['file', x(`user.${'n'.repeat(250)}`, Buffer.alloc(65536))],
    ['file', x('security.capability', capability(0x02000000, 20))],
    ['file', x('security.capability', capability(0x02000000, 20, false))],
    ['file', x('security.capability', capability(0x03000000, 24))],
    ['dir', x('system.posix_acl_default', 'acl')],
  ];
  for (const [kind, xattr] of taken) assert.equal(xattrProblem(kind, xattr), null, `${kind} ${JSON.stringify(xattr.name)}`);
  assert.throws(() => checkMemberMeta(file({ xattrs: [x('user.ok'), x('bad')] }), 'a.tar: member 4'), { code: 'XATTR_INVALID', message: /a\.tar: member 4 usr\/bin\/ping: xattr "bad"/ });
  // A name that is not UTF-8 is shown quoted, as everywhere else.
  const latin1 = file({ path: 'usr/caf\udce9' as RepoPath, xattrs: [x('bad')] });
  assert.throws(() => checkMemberMeta(latin1, 'a.tar: member 5'), { code: 'XATTR_INVALID', message: /member 5 "usr\/caf\\xe9": / });
  const many = Array.from({ length: 65 }, (_, i) => x(`user.n${String(i).padStart(2, '0')}`));
  assert.throws(() => checkMemberMeta(file({ xattrs: many }), 'w'), { code: 'XATTR_INVALID', message: /65 xattrs/ });
});
