import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTempDir, runHacktree } from '../helpers/cli.js';
import { assertCliError } from '../helpers/assertCliError.js';
import { writeHandmadeTarball } from '../helpers/handmadeTarball.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';
import { fingerprintDifferences, treeFingerprint } from '../helpers/treeFingerprint.js';

// hacktree must read what real tar writers write, and end up with what GNU tar extracts from the
// same archive: one tree of every kind of entry, archived by GNU tar (old GNU format, and pax
// with xattrs and ACLs), bsdtar and Python's tarfile; each archive is committed, checked out and
// compared with `tar -x --xattrs --acls --numeric-owner -p` of it. Where a writer cannot say
// something (GNU format has no xattrs, tarfile writes no sparse files), both sides lack it alike.

const CAPABILITY_HEX = '0100000200200000000000000000000000000000'; // cap_net_raw+ep
const SPARSE_BYTES = 12 << 20; // past the 8 MiB that readTarball hands over whole: streamed

let tmp: string;
let repo: string;
let tree: string;
before(() => {
  tmp = makeTempDir('hacktree-e2e-tar-interop');
  repo = join(tmp, 'repo');
  tree = join(tmp, 'tree');
  ok(runHacktree(['init'], { repo }));
  makeEveryKindTree(tree);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function ok(run: { status: number; stdout: string; stderr: string }): string {
  assert.equal(run.status, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /INTERNAL/);
  return run.stdout;
}

function sh(script: string): void {
  execFileSync('bash', ['-euo', 'pipefail', '-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Every kind of entry a root holds, with the metadata that must survive. */
function makeEveryKindTree(dir: string): void {
  mkdirSync(dir);
  sh(`cd '${dir}'
    printf 'hello\\n' > file
    : > empty
    printf '#!/bin/sh\\n' > exec && chmod 0755 exec
    printf 'ping\\n' > setuid && chmod 04755 setuid
    mkdir odd && chmod 0750 odd && chown 7:8 odd
    printf 'mine\\n' > odd/owned && chown 1000:5000 odd/owned && chmod 0640 odd/owned
    ln -s file symlink
    ln -s ../file odd/up
    ln file hardlink
    ln symlink symlink-hardlink
    mkfifo fifo && chmod 0620 fifo
    mknod null c 1 3 && chmod 0666 null
    mknod loop0 b 7 0 && chmod 0660 loop0
    printf 'cap\\n' > capped && chmod 0755 capped
    setfattr -n user.comment -v 'a note' capped
    setfattr -n security.capability -v 0x${CAPABILITY_HEX} capped
    printf 'acl\\n' > acl && setfacl -m u:1000:r-x,g:50:rw- acl
    mkdir acldir && setfacl -d -m u:1000:rwx,g:50:r-x acldir
    printf 'old\\n' > old && touch -h -d 1960-01-01 old symlink
    truncate -s ${SPARSE_BYTES} sparse
    printf 'middle' | dd of=sparse bs=1 seek=${5 << 20} conv=notrunc status=none
    printf 'end' | dd of=sparse bs=1 seek=${SPARSE_BYTES - 3} conv=notrunc status=none
  `);
}

/** How each writer archives the tree. */
const WRITERS: Array<{ name: string; file: string; write: (out: string) => void }> = [
  { name: 'GNU tar --format=gnu --sparse', file: 'gnu.tar', write: (out) => sh(`tar --format=gnu --sparse --numeric-owner -cf '${out}' -C '${tree}' .`) },
  {
    name: 'GNU tar --format=posix --xattrs --acls --sparse', file: 'posix.tar.gz',
    write: (out) => sh(`tar --format=posix --xattrs --xattrs-include='*' --acls --sparse --numeric-owner -czf '${out}' -C '${tree}' .`),
  },
  { name: 'bsdtar (its defaults: pax, xattrs, ACLs, sparse 1.0)', file: 'bsd.tar', write: (out) => sh(`bsdtar --numeric-owner -cf '${out}' -C '${tree}' .`) },
  {
    name: 'Python tarfile (pax)', file: 'python.tar',
    write: (out) => sh(`python3 -c 'import sys, tarfile; t = tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT); t.add(sys.argv[2], arcname="."); t.close()' '${out}' '${tree}'`),
  },
];

describe('archives of real tar writers are imported as GNU tar extracts them', () => {
  for (const [index, writer] of WRITERS.entries()) {
    test(writer.name, () => {
      const archive = join(tmp, writer.file);
      writer.write(archive);
      const extracted = join(tmp, `${writer.file}.gnu-x`);
      mkdirSync(extracted);
      sh(`tar -x --xattrs --xattrs-include='*' --acls --numeric-owner -p -f '${archive}' -C '${extracted}' 2>/dev/null`);
      const branch = `interop-${index}`;
      ok(runHacktree(['root', 'commit', branch, '--tree', `tar=${archive}`], { repo }));
      const checkout = join(tmp, `${writer.file}.checkout`);
      ok(runHacktree(['checkout', branch, checkout], { repo }));

      const expected = treeFingerprint(extracted);
      const actual = treeFingerprint(checkout);
      // The destination directory itself is made by each tool, not taken from the archive.
      expected.delete('.');
      actual.delete('.');
      assert.deepEqual(fingerprintDifferences(expected, actual), [], `${writer.name}: the checkout differs from GNU tar's extraction`);
      assert.equal(actual.size, expected.size);
      // The archive really had what the writer can say, so the comparison compared something.
      assert.match(actual.get('symlink-hardlink')!, /^l file 0777 /);
      assert.match(actual.get('null')!, /^c 259 0666 0:0 /);
      assert.match(actual.get('setuid')!, /^f 5 [0-9a-f]+ 4755 /);
      assert.match(actual.get('odd')!, /^d 0750 7:8 /);
      assert.match(actual.get('sparse')!, new RegExp(`^f ${SPARSE_BYTES} `));
      if (writer.file !== 'gnu.tar' && writer.file !== 'python.tar') {
        assert.match(actual.get('capped')!, new RegExp(`security.capability=${CAPABILITY_HEX}`));
        assert.match(actual.get('acl')!, /system\.posix_acl_access=02000000/);
        assert.match(actual.get('acl')!, /^f 4 [0-9a-f]+ 0674 /, 'the group bits are the ACL mask, as on extraction');
        assert.match(actual.get('acldir')!, /system\.posix_acl_default=02000000/);
      }
      assertFsckClean(repo);
    });
  }

  test('dir= commits read ACLs (and everything else) and checkout restores them: getfacl says the same', () => {
    ok(runHacktree(['root', 'commit', 'interop-dir', '--tree', `dir=${tree}`], { repo }));
    const checkout = join(tmp, 'dir.checkout');
    ok(runHacktree(['checkout', 'interop-dir', checkout], { repo }));
    const expected = treeFingerprint(tree);
    const actual = treeFingerprint(checkout);
    expected.delete('.');
    actual.delete('.');
    assert.deepEqual(fingerprintDifferences(expected, actual), []);
    for (const [path, flags] of [['acl', []], ['acldir', ['-d']]] as const) {
      const getfacl = (root: string): string => execFileSync('getfacl', ['-n', '--omit-header', ...flags, join(root, path)], { encoding: 'utf8' });
      assert.equal(getfacl(checkout), getfacl(tree), path);
      assert.match(getfacl(checkout), /:1000:/, `${path} has its named entry`);
    }
    assertFsckClean(repo);
  });

  test('an artifact tarball from GNU tar --acls imports and checks out with its ACLs', () => {
    const archive = join(tmp, 'acl-runtime,b=opt,o=master,r=1-opt-x86_64,v=1,.tar.gz');
    sh(`tar --format=posix --acls --numeric-owner -czf '${archive}' -C '${tree}' ./acl ./acldir ./file`);
    ok(runHacktree(['artifact', 'import', archive], { repo }));
    ok(runHacktree(['root', 'commit', 'interop-artifact', '--tree', `artifact=${archive}`], { repo }));
    const checkout = join(tmp, 'artifact.checkout');
    ok(runHacktree(['checkout', 'interop-artifact', checkout], { repo }));
    const acl = execFileSync('getfacl', ['-n', '--omit-header', join(checkout, 'acl')], { encoding: 'utf8' });
    assert.equal(acl, 'user::rw-\nuser:1000:r-x\ngroup::r--\ngroup:50:rw-\nmask::rwx\nother::r--\n\n');
    const dir = execFileSync('getfacl', ['-n', '--omit-header', '-d', join(checkout, 'acldir')], { encoding: 'utf8' });
    assert.match(dir, /^user:1000:rwx$/m);
    assertFsckClean(repo);
  });

  test('an ACL naming a user this machine does not know is refused clearly, leaving the repository as it was', () => {
    const archive = join(tmp, 'unknown-acl-user.tar.gz');
    writeHandmadeTarball(archive, [
      { kind: 'dir', path: '.' },
      { kind: 'file', path: 'shared', content: 'x\n', pax: { 'SCHILY.acl.access': 'user::rw-\nuser:no-such-user-here:r--\ngroup::r--\nmask::r--\nother::r--\n' } },
    ]);
    const before = snapshotRepoState(repo);
    const run = runHacktree(['root', 'commit', 'interop-unknown-acl', '--tree', `tar=${archive}`], { repo });
    assertCliError(run, 'TAR_INVALID', ['"shared"', 'no-such-user-here']);
    assertRepoUnchanged(before, snapshotRepoState(repo));
    assertFsckClean(repo);
  });

  test('artifact pack writes ACLs back so that tar --acls -x restores them', () => {
    const dest = join(tmp, 'pack-dest');
    sh(`mkdir -p '${dest}/usr/bin' '${dest}/usr/share/doc'
      printf 'x\\n' > '${dest}/usr/bin/tool' && chmod 0755 '${dest}/usr/bin/tool'
      setfacl -m u:1000:r-x,g:50:r-- '${dest}/usr/bin/tool'
      setfacl -d -m g:50:rwx '${dest}/usr/share/doc'`);
    const out = join(tmp, 'pack-out');
    ok(runHacktree(['artifact', 'pack', dest, '--name', 'acls', '--version', '1', '--root', '1-opt-x86_64', '--flavor', 'opt', '--out', out], { repo }));
    const extracted = join(tmp, 'pack-extracted');
    mkdirSync(extracted);
    sh(`for f in '${out}'/*.tar.gz; do tar --acls --numeric-owner -xpf "$f" -C '${extracted}'; done`);
    const expected = treeFingerprint(dest);
    const actual = treeFingerprint(extracted);
    expected.delete('.');
    actual.delete('.');
    assert.deepEqual(fingerprintDifferences(expected, actual), []);
    assert.match(actual.get('usr/bin/tool')!, /system\.posix_acl_access=/);
    assert.match(actual.get('usr/share/doc')!, /system\.posix_acl_default=/);
  });
});

describe('a member over 4 GiB', () => {
  test('a sparse 5 GiB file in a pax archive is imported whole and checked out sparse', () => {
    const dir = join(tmp, 'big');
    const size = 5 * 1024 ** 3;
    sh(`mkdir -p '${dir}/t' && cd '${dir}'
      truncate -s ${size} t/big
      printf 'head' | dd of=t/big conv=notrunc status=none
      printf 'tail' | dd of=t/big bs=1 seek=${size - 4} conv=notrunc status=none
      tar --format=posix --sparse -cf big.tar -C t .`);
    assert.ok(statSync(join(dir, 'big.tar')).size < 1 << 20, 'the archive holds only the data');
    const repoBig = join(dir, 'repo');
    ok(runHacktree(['init'], { repo: repoBig }));
    ok(runHacktree(['root', 'commit', 'big', '--tree', `tar=${join(dir, 'big.tar')}`], { repo: repoBig }));
    const checkout = join(dir, 'out');
    ok(runHacktree(['checkout', 'big', checkout], { repo: repoBig }));
    const file = join(checkout, 'big');
    const st = statSync(file);
    assert.equal(st.size, size);
    assert.ok(st.blocks * 512 < 1 << 20, 'the checkout is sparse, as the archive was');
    assert.equal(readAt(file, 0, 4), 'head');
    assert.equal(readAt(file, size - 4, 4), 'tail');
    assert.equal(readAt(file, 3 * 1024 ** 3, 4), '\0\0\0\0');
    const blob = spawnSync('git', [`--git-dir=${repoBig}`, 'cat-file', '-s', 'big:files/big'], { encoding: 'utf8' });
    assert.equal(blob.stdout.trim(), String(size));
    ok(runHacktree(['fsck'], { repo: repoBig }));
  });
});

function readAt(file: string, position: number, length: number): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, position);
    return buffer.toString('latin1');
  } finally {
    closeSync(fd);
  }
}
