import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertCliError } from '../../helpers/assertCliError.js';
import { hacktreeCommand, inMountNamespace, makeTempDir, runHacktree } from '../../helpers/cli.js';
import { writeHandmadeTarball, type HandmadeMember } from '../../helpers/handmadeTarball.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../../helpers/repoState.js';
import { ARTIFACT_NAME, freshSeededRepo, makeSeededRepo, type SeededRepo } from '../../helpers/seededRepo.js';

// Extended attributes Linux will not set are refused with XATTR_INVALID naming the member and
// the attribute, before anything is written: never INTERNAL from a raw cache write halfway.
// Those only the repository's filesystem refuses are XATTR_INVALID too, naming the source.

let tmp: string;
let seed: SeededRepo;
before(() => {
  tmp = makeTempDir('hacktree-e2e-xattrs');
  seed = makeSeededRepo(tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A 20-byte capability set whose header says revision 1, which setxattr refuses. */
const V1_CAPABILITY = `\u0001\u0000\u0000\u0001${'\u0000'.repeat(16)}`;

const withXattr = (kind: 'file' | 'symlink' | 'fifo' | 'dir', name: string, value: string): HandmadeMember => {
  const pax = { [`SCHILY.xattr.${name}`]: value };
  switch (kind) {
    case 'file': return { kind, path: 'usr/bin/tool', content: 'tool\n', pax };
    case 'symlink': return { kind, path: 'usr/bin/tool', target: 'real-tool', pax };
    case 'fifo': return { kind, path: 'usr/bin/tool', pax };
    case 'dir': return { kind, path: 'usr/bin/tool', pax };
  }
};

const refused: Array<{ what: string; member: HandmadeMember; says: RegExp }> = [
  { what: 'an empty xattr name', member: withXattr('file', '', 'v'), says: /empty name/ },
  { what: 'an unknown namespace', member: withXattr('file', 'hacktree.x', 'v'), says: /"hacktree\.x" is in no namespace/ },
  { what: 'a value over 64 KiB', member: withXattr('file', 'user.big', 'a'.repeat(65537)), says: /65537 bytes/ },
  { what: 'user.* on a symlink', member: withXattr('symlink', 'user.note', 'v'), says: /"user\.note" is on a symlink/ },
  { what: 'an invalid security.capability', member: withXattr('file', 'security.capability', 'xyz'), says: /"security\.capability" is not a valid capability/ },
  // Variants of the same classes.
  { what: 'user.* on a fifo', member: withXattr('fifo', 'user.note', 'v'), says: /"user\.note" is on a fifo/ },
  { what: 'a namespace with nothing after it', member: withXattr('file', 'user.', 'v'), says: /"user\." has nothing after its namespace/ },
  { what: 'a system.* name Linux does not know', member: withXattr('dir', 'system.hacktree', 'v'), says: /"system\.hacktree" is no system/ },
  { what: 'a capability set of revision 1', member: withXattr('file', 'security.capability', V1_CAPABILITY), says: /not a valid capability/ },
  { what: 'a name over 255 bytes', member: withXattr('file', `user.${'n'.repeat(251)}`, 'v'), says: /256 bytes/ },
];

for (const c of refused) {
  test(`a pax SCHILY.xattr record with ${c.what} is XATTR_INVALID naming the member; nothing is recorded`, async (t) => {
    const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-xattr-case', t);
    const tarball = join(dir, ARTIFACT_NAME);
    // A new file first: its blob and raw entry are written before the bad member is met.
    writeHandmadeTarball(tarball, [{ kind: 'dir', path: '.' }, { kind: 'file', path: 'aaa', content: 'new content\n' }, c.member]);
    for (const [via, args] of [
      ['artifact import', ['artifact', 'import', tarball]],
      ['root commit --tree tar=', ['root', 'commit', 'x', '--tree', `tar=${tarball}`]],
    ] as const) {
      await t.test(via, () => {
        const before = snapshotRepoState(repo);
        const run = runHacktree([...args], { repo });
        assertCliError(run, 'XATTR_INVALID', [c.member.path, ARTIFACT_NAME]);
        assert.match(run.stderr, c.says);
        assert.doesNotMatch(run.stdout + run.stderr, /INTERNAL/);
        const after = snapshotRepoState(repo);
        assertRepoUnchanged(before, after);
        assert.deepEqual([...after.raw.keys()], [...before.raw.keys()], 'no raw cache entry is left behind');
      });
    }
    assertFsckClean(repo);
  });
}

test('xattrs Linux takes (user.* on a file and a directory, a v2 capability, trusted.*) import and check out', (t) => {
  const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-xattr-good', t);
  const tarball = join(dir, ARTIFACT_NAME);
  const v2 = `\u0001\u0000\u0000\u0002${'\u0000'.repeat(16)}`;
  writeHandmadeTarball(tarball, [
    { kind: 'dir', path: '.' },
    { kind: 'dir', path: 'etc', pax: { 'SCHILY.xattr.user.dir': 'd' } },
    { kind: 'file', path: 'etc/f', content: 'f\n', pax: { 'SCHILY.xattr.user.note': 'n', 'SCHILY.xattr.trusted.t': 't' } },
    { kind: 'file', path: 'ping', content: 'ping\n', mode: 0o755, pax: { 'SCHILY.xattr.security.capability': v2 } },
    { kind: 'symlink', path: 'link', target: 'ping', pax: { 'SCHILY.xattr.trusted.l': 'l' } },
  ]);
  const run = runHacktree(['root', 'commit', 'good', '--tree', `tar=${tarball}`], { repo });
  assert.equal(run.status, 0, run.stderr);
  const dest = join(dir, 'checkout');
  const checkout = runHacktree(['checkout', 'good', dest], { repo });
  assert.equal(checkout.status, 0, checkout.stderr);
  const dump = spawnSync('getfattr', ['-h', '-d', '-m', '-', '-e', 'hex', join(dest, 'etc'), join(dest, 'etc/f'), join(dest, 'ping')], { encoding: 'utf8' });
  assert.match(dump.stdout, /user\.dir=0x64/);
  assert.match(dump.stdout, /user\.note=0x6e/);
  assert.match(dump.stdout, /security\.capability=0x0100000200000000/);
  assertFsckClean(repo);
});

/** Whether the filesystem holding `dir` refuses a 60000-byte user.* value (ext4 does: ENOSPC). */
function refusesBigXattrs(dir: string): boolean {
  const probe = join(dir, 'xattr-probe');
  writeFileSync(probe, '');
  const run = spawnSync('python3', ['-c', 'import os, sys; os.setxattr(sys.argv[1], "user.big", b"a" * 60000)', probe]);
  rmSync(probe);
  return run.status !== 0;
}

test('a dir= tree whose xattrs the repository\'s filesystem cannot hold: a file is XATTR_INVALID at commit, a directory at checkout', (t) => {
  const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-xattr-fs', t);
  if (!refusesBigXattrs(dir)) {
    t.skip('the filesystem of the test directory holds 60000-byte xattrs');
    return;
  }
  // The source on a tmpfs, which holds xattr values up to 64 KiB, in a private mount namespace.
  const src = join(dir, 'src');
  const script = (tree: string, args: string) => `
mkdir -p '${src}' && mount -t tmpfs none '${src}'
${tree}
'${hacktreeCommand}' ${args} --repo '${repo}'`;
  const bigOn = (path: string) => `python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.big", b"a" * 60000)' '${path}'`;

  for (const native of ['1', '0']) {
    const before = snapshotRepoState(repo);
    const run = inMountNamespace(`export HACKTREE_NATIVE=${native}${script(`echo plain > '${src}/plain'; echo tagged > '${src}/tagged'; ${bigOn(`${src}/tagged`)}`, `root commit big --tree dir='${src}'`)}`);
    assertCliError(run, 'XATTR_INVALID', [`${src}/tagged`, 'user.big']);
    assert.doesNotMatch(run.stdout + run.stderr, /INTERNAL|NO_SPACE/);
    assertRepoUnchanged(before, snapshotRepoState(repo));
    assertFsckClean(repo);
  }

  const committed = inMountNamespace(script(`mkdir '${src}/etc'; ${bigOn(`${src}/etc`)}`, `root commit big-dir --tree dir='${src}'`));
  assert.equal(committed.status, 0, committed.stderr);
  const dest = join(dir, 'checkout');
  const checkout = runHacktree(['checkout', 'big-dir', dest], { repo });
  // Named where it was being made: in the staging directory beside the destination.
  assertCliError(checkout, 'XATTR_INVALID', ['user.big', dir, '/etc']);
  assert.ok(!existsSync(dest), 'no checkout');
  assert.deepEqual(readdirSync(dir).filter((name) => name.includes('checkout')), [], 'no staging directory left');
  assertFsckClean(repo);
});
