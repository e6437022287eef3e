import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertCliError } from '../../helpers/assertCliError.js';
import { makeTempDir, runHacktree } from '../../helpers/cli.js';
import { writeHandmadeTarball, type HandmadeMember } from '../../helpers/handmadeTarball.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../../helpers/repoState.js';
import { ARTIFACT_NAME, freshSeededRepo, makeSeededRepo, type SeededRepo } from '../../helpers/seededRepo.js';

// What a tarball says and Linux cannot keep: a mode the kernel normalizes is recorded as the
// kernel keeps it, so fsck agrees with the repository for ever after; an owner it cannot hold
// is refused naming the member; and a refused archive leaves nothing behind, raw cache included.

let tmp: string;
let seed: SeededRepo;
before(() => {
  tmp = makeTempDir('hacktree-e2e-kernel-limits');
  seed = makeSeededRepo(tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const VIA = [
  ['artifact import', (tarball: string) => ['artifact', 'import', tarball]],
  ['root commit --tree tar=', (tarball: string) => ['root', 'commit', 'from-tar', '--tree', `tar=${tarball}`]],
] as const;

function assertNoInternal(...outputs: string[]): void {
  for (const output of outputs) assert.doesNotMatch(output, /INTERNAL/, output);
}

/** The raw cache files of a repository, by name. */
function rawFiles(repo: string): string[] {
  const raw = join(repo, 'hacktree', 'raw');
  return readdirSync(raw).flatMap((fan) => readdirSync(join(raw, fan)).map((name) => `${fan}/${name}`)).sort();
}

for (const mode of [0o644, 0o755]) {
  test(`a symlink member of mode ${mode.toString(8)} (Python's tarfile writes 0644) imports as 0777, and fsck stays clean, --repair finds nothing`, async (t) => {
    const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-symlink-mode', t);
    const tarball = join(dir, ARTIFACT_NAME);
    writeHandmadeTarball(tarball, [
      { kind: 'dir', path: '.' },
      { kind: 'file', path: 'usr/lib/libx.so.1', content: 'lib\n' },
      { kind: 'symlink', path: 'usr/lib/libx.so', target: 'libx.so.1', mode },
    ]);
    for (const [via, args] of VIA) {
      await t.test(via, () => {
        const run = runHacktree(args(tarball), { repo });
        assert.equal(run.status, 0, run.stderr);
        assertNoInternal(run.stdout, run.stderr);
      });
    }
    assertFsckClean(repo);
    const links = rawFiles(repo).filter((name) => /\.l\d+\./.test(name));
    assert.ok(links.length > 0, 'the symlink is in the raw cache');
    for (const name of links) assert.match(name, /\.l777\.0\.0$/, `${name} is filed as mode 0777`);
    const repair = runHacktree(['fsck', '--repair'], { repo });
    assert.equal(repair.status, 0, repair.stdout + repair.stderr);
    assert.match(repair.stdout, / 0 problems, 0 repaired, 0 remaining/, 'nothing to repair, every time');
    const ls = runHacktree(['root', 'ls', 'from-tar', '/usr/lib'], { repo });
    assert.equal(ls.status, 0, ls.stderr);
    assert.match(ls.stdout, /^lrwxrwxrwx 0777 0 0 \d+ \/usr\/lib\/libx\.so -> libx\.so\.1$/m, ls.stdout);
    const dest = join(dir, 'checkout');
    assert.equal(runHacktree(['checkout', 'from-tar', dest], { repo }).status, 0);
    assert.ok(lstatSync(join(dest, 'usr/lib/libx.so')).isSymbolicLink());
  });
}

const owners: Array<{ what: string; member: HandmadeMember; says: RegExp }> = [
  { what: 'a uid of 2^32', member: { kind: 'file', path: 'etc/owned', content: 'x\n', uid: 2 ** 32 }, says: /uid 4294967296 /},
  { what: 'a gid of 2^32 - 1 (chown\'s "leave unchanged")', member: { kind: 'file', path: 'etc/owned', content: 'x\n', gid: 2 ** 32 - 1 }, says: /gid 4294967295 / },
  { what: 'a directory with a uid of 2^40', member: { kind: 'dir', path: 'var/owned', uid: 2 ** 40 }, says: /uid 1099511627776 / },
  { what: 'a symlink with a gid of 2^33', member: { kind: 'symlink', path: 'etc/link', target: 'owned', gid: 2 ** 33 }, says: /gid 8589934592 / },
];

for (const owner of owners) {
  test(`a member with ${owner.what} is refused with OWNER_UNSUPPORTED naming it; nothing is recorded`, async (t) => {
    const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-owner', t);
    const tarball = join(dir, ARTIFACT_NAME);
    // A file before it, whose blob and raw entry the import writes before it meets the owner.
    writeHandmadeTarball(tarball, [{ kind: 'dir', path: '.' }, { kind: 'file', path: 'aaa-first', content: 'first, new\n' }, owner.member]);
    for (const [via, args] of VIA) {
      await t.test(via, () => {
        const before = snapshotRepoState(repo);
        const run = runHacktree(args(tarball), { repo });
        assertCliError(run, 'OWNER_UNSUPPORTED', [owner.member.path, ARTIFACT_NAME]);
        assert.match(run.stderr, owner.says);
        assertNoInternal(run.stdout, run.stderr);
        const after = snapshotRepoState(repo);
        assertRepoUnchanged(before, after);
        assert.deepEqual([...after.raw.keys()], [...before.raw.keys()], 'no raw cache entry is left behind');
      });
    }
    assertFsckClean(repo);
  });
}

test('an owner of 4294967294, the highest Linux holds, imports and checks out with that owner', (t) => {
  const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-owner-max', t);
  const tarball = join(dir, ARTIFACT_NAME);
  writeHandmadeTarball(tarball, [{ kind: 'dir', path: '.' }, { kind: 'file', path: 'f', content: 'x\n', uid: 2 ** 32 - 2, gid: 2 ** 32 - 2 }]);
  const run = runHacktree(['root', 'commit', 'max', '--tree', `tar=${tarball}`], { repo });
  assert.equal(run.status, 0, run.stderr);
  const dest = join(dir, 'checkout');
  assert.equal(runHacktree(['checkout', 'max', dest], { repo }).status, 0);
  const stat = lstatSync(join(dest, 'f'));
  assert.deepEqual([stat.uid, stat.gid], [2 ** 32 - 2, 2 ** 32 - 2]);
  assertFsckClean(repo);
});

const hostile: Array<{ what: string; offender: string; members: (outside: string) => HandmadeMember[] }> = [
  {
    what: 'a file beneath a symlink the archive made, the symlink of mode 0644 as Python writes it',
    offender: 'link/evil',
    members: (outside) => [
      { kind: 'dir', path: '.' },
      { kind: 'symlink', path: 'link', target: outside, mode: 0o644 },
      { kind: 'file', path: 'link/evil', content: 'evil\n' },
    ],
  },
  {
    what: 'new files, a fifo and a symlink before a member beneath that symlink',
    offender: 'up/evil',
    members: () => [
      { kind: 'dir', path: '.' },
      { kind: 'file', path: 'a', content: 'never stored before\n' },
      { kind: 'file', path: 'b', content: 'nor this\n', mode: 0o4755 },
      { kind: 'fifo', path: 'pipe', mode: 0o600 },
      { kind: 'symlink', path: 'up', target: '../..' },
      { kind: 'file', path: 'up/evil', content: 'evil\n' },
    ],
  },
];

for (const c of hostile) {
  test(`a refused hostile archive (${c.what}) leaves no raw cache entry, and fsck is clean`, async (t) => {
    const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-hostile-raw', t);
    const outside = join(dir, 'outside');
    const tarball = join(dir, ARTIFACT_NAME);
    writeHandmadeTarball(tarball, c.members(outside));
    const rawBefore = rawFiles(repo);
    for (const [via, args] of VIA) {
      await t.test(via, () => {
        const before = snapshotRepoState(repo);
        assertCliError(runHacktree(args(tarball), { repo }), 'UNSAFE_PATH', [c.offender]);
        assertRepoUnchanged(before, snapshotRepoState(repo));
        assert.deepEqual(rawFiles(repo), rawBefore, 'the raw cache holds what it held');
        assert.ok(!existsSync(outside));
      });
    }
    assertFsckClean(repo);
    const repair = runHacktree(['fsck', '--repair'], { repo });
    assert.match(repair.stdout, / 0 problems, 0 repaired, 0 remaining/, repair.stdout + repair.stderr);
  });
}
