import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertCliError } from '../../helpers/assertCliError.js';
import { makeTempDir, runHacktree } from '../../helpers/cli.js';
import { writeHandmadeTarball, type HandmadeMember, type HandmadeTarballOptions } from '../../helpers/handmadeTarball.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../../helpers/repoState.js';
import { ARTIFACT_NAME, copySeededRepo, makeSeededRepo, type SeededRepo } from '../../helpers/seededRepo.js';

// Archives that try to write outside the tree, or into git's own files, are refused before
// anything is recorded, whether they arrive as an artifact or as a --tree tar= layer.

let tmp: string;
let seed: SeededRepo;
before(() => {
  tmp = makeTempDir('hacktree-e2e-unsafe');
  seed = makeSeededRepo(tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

interface UnsafeCase {
  what: string;
  /** What the error message must name: the offending member path or link target. */
  offender: string;
  /** Must not exist after the attempt: where the member would have landed outside the tree. */
  outside?: string;
  members: (outside: string) => HandmadeMember[];
  options?: HandmadeTarballOptions;
}

const file = (path: string): HandmadeMember => ({ kind: 'file', path, content: 'payload\n' });

const cases: UnsafeCase[] = [
  { what: 'a ../escape member', offender: '../escape', members: () => [{ kind: 'dir', path: '.' }, file('a'), file('../escape')] },
  { what: 'a member that climbs out midway (a/../../escape)', offender: 'a/../../escape', members: () => [file('a/b'), file('a/../../escape')] },
  { what: 'an absolute /etc/evil member', offender: '/etc/evil', members: () => [file('usr/ok'), file('/etc/evil')] },
  { what: 'a .git/config member', offender: '.git/config', members: () => [file('.git/config')] },
  { what: 'a .GIT component deeper down', offender: 'src/.GIT/hooks/post-checkout', members: () => [file('src/.GIT/hooks/post-checkout')] },
  {
    what: 'a pax path record that climbs out',
    offender: '../pax-escape',
    members: () => [{ kind: 'dir', path: '.' }, { ...file('innocent'), pax: { path: '../pax-escape' } }],
  },
  {
    what: 'a GNU long name that climbs out',
    offender: `../${'long'.repeat(40)}`,
    members: () => [file(`../${'long'.repeat(40)}`)],
    options: { format: 'gnu' },
  },
  {
    what: 'a hardlink whose target climbs out',
    offender: '../../etc/shadow',
    members: () => [file('a'), { kind: 'hardlink', path: 'b', target: '../../etc/shadow' }],
  },
  {
    what: 'a file beneath a symlink the archive made (link -> outside, then link/evil)',
    offender: 'link/evil',
    outside: 'outside',
    members: (outside) => [{ kind: 'dir', path: '.' }, { kind: 'symlink', path: 'link', target: outside }, file('link/evil')],
  },
  {
    what: 'a hardlink beneath a symlink the archive made',
    offender: 'link/evil',
    outside: 'outside',
    members: (outside) => [file('a'), { kind: 'symlink', path: 'link', target: outside }, { kind: 'hardlink', path: 'link/evil', target: 'a' }],
  },
  {
    what: 'a file beneath a relative symlink that points up (up -> ../..)',
    offender: 'up/evil',
    members: () => [{ kind: 'symlink', path: 'up', target: '../..' }, file('up/evil')],
  },
  {
    what: 'a file beneath a regular file of the same archive',
    offender: 'f/evil',
    members: () => [file('f'), file('f/evil')],
  },
  {
    what: 'a symlink named .gitmodules (native git fsck refuses one)',
    offender: 'sub/.gitmodules',
    members: () => [file('sub/a'), { kind: 'symlink', path: 'sub/.gitmodules', target: '/etc/passwd' }],
  },
];

for (const c of cases) {
  test(`${c.what} is refused with UNSAFE_PATH and nothing is recorded`, async (t) => {
    const dir = makeTempDir('hacktree-e2e-unsafe-case');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const repo = copySeededRepo(seed, join(dir, 'repo'));
    const outside = join(dir, 'outside');
    const tarball = join(dir, ARTIFACT_NAME);
    writeHandmadeTarball(tarball, c.members(outside), c.options);

    for (const [via, args] of [
      ['artifact import', ['artifact', 'import', tarball]],
      ['root commit --tree tar=', ['root', 'commit', 'evil', '--tree', `tar=${tarball}`]],
    ] as const) {
      await t.test(`via ${via}`, () => {
        const before = snapshotRepoState(repo);
        assertCliError(runHacktree([...args], { repo }), 'UNSAFE_PATH', [c.offender, ARTIFACT_NAME]);
        assertRepoUnchanged(before, snapshotRepoState(repo));
        assert.ok(!existsSync(outside), `nothing was made at ${outside}`);
      });
    }
    assertFsckClean(repo);
    const imported = runHacktree(['artifact', 'import', seed.goodArtifact], { repo });
    assert.equal(imported.status, 0, `a good import works next: ${imported.stderr}`);
    const committed = runHacktree(['root', 'commit', 'next', '--tree', `dir=${seed.goodDir}`], { repo });
    assert.equal(committed.status, 0, `a good commit works next: ${committed.stderr}`);
  });
}

test('ordinary absolute and relative symlinks import, commit and check out as symlinks, never followed', (t) => {
  const dir = makeTempDir('hacktree-e2e-symlinks');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = copySeededRepo(seed, join(dir, 'repo'));
  // Targets outside the checkout that must stay untouched: one that does not exist (a write
  // through the link would create it) and one directory that does (a write would land inside).
  const absent = join(dir, 'absent-target');
  const present = makeTempDir('hacktree-e2e-symlink-target');
  t.after(() => rmSync(present, { recursive: true, force: true }));
  const links: Record<string, string> = {
    lib: 'usr/lib',
    sbin: '/usr/sbin',
    'etc/alternatives/cc': '/usr/bin/gcc',
    'usr/lib/libz.so': 'libz.so.1',
    'usr/share/up': '../../..',
    x: absent,
    y: present,
  };
  const tarball = join(dir, ARTIFACT_NAME);
  writeHandmadeTarball(tarball, [
    { kind: 'dir', path: '.' },
    { kind: 'dir', path: 'usr/lib' },
    { kind: 'file', path: 'usr/lib/libz.so.1', content: 'not really zlib\n' },
    { kind: 'dir', path: 'usr/share' },
    ...Object.entries(links).map(([path, target]): HandmadeMember => ({ kind: 'symlink', path, target })),
  ]);

  const imported = runHacktree(['artifact', 'import', tarball], { repo });
  assert.equal(imported.status, 0, imported.stderr);
  for (const [branch, layer] of [['from-artifact', `artifact=${tarball}`], ['from-tar', `tar=${tarball}`]]) {
    const committed = runHacktree(['root', 'commit', branch!, '--tree', layer!], { repo });
    assert.equal(committed.status, 0, committed.stderr);
    const dest = join(dir, `checkout-${branch}`);
    const checkout = runHacktree(['checkout', branch!, dest], { repo });
    assert.equal(checkout.status, 0, checkout.stderr);
    for (const [path, target] of Object.entries(links)) {
      assert.ok(lstatSync(join(dest, path)).isSymbolicLink(), `${path} is a symlink`);
      assert.equal(readlinkSync(join(dest, path)), target, `${path} points to ${target}`);
    }
    assert.equal(readFileSync(join(dest, 'usr/lib/libz.so.1'), 'utf8'), 'not really zlib\n');
  }
  assert.ok(!existsSync(absent), 'checkout created nothing at an absolute symlink target');
  assert.deepEqual(readdirSync(present), [], 'checkout wrote nothing into a directory a symlink points to');
  assertFsckClean(repo);
});
