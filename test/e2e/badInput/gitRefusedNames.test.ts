import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ErrorCode } from '../../../src/errors/errorCodes.js';
import { assertCliError } from '../../helpers/assertCliError.js';
import { makeTempDir, runHacktree } from '../../helpers/cli.js';
import { writeHandmadeTarball, type HandmadeMember } from '../../helpers/handmadeTarball.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../../helpers/repoState.js';
import { ARTIFACT_NAME, freshSeededRepo, makeSeededRepo, type SeededRepo } from '../../helpers/seededRepo.js';

// Trees that git or the kernel would refuse later are refused at the door: a name git's fsck
// reads as .git, a .gitmodules that smuggles a command line option, a name Linux cannot hold,
// a path no checkout can hold. Each way in (a tarball as an artifact or a tar= layer, a
// directory as a dir= layer or to `artifact pack`) says so with the code and the path, and
// leaves the repository as it was and fsck-clean.

let tmp: string;
let seed: SeededRepo;
before(() => {
  tmp = makeTempDir('hacktree-e2e-refused-names');
  seed = makeSeededRepo(tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const UPLOAD_PACK = '[submodule "evil"]\n\tpath = evil\n\turl = --upload-pack=touch /tmp/hacktree-pwned\n';
const LONG_NAME = 'n'.repeat(256);

interface Case {
  what: string;
  code: ErrorCode;
  /** What the error message must name. */
  offender: string;
  members: HandmadeMember[];
}

const file = (path: string, content = 'payload\n'): HandmadeMember => ({ kind: 'file', path, content });

const tarCases: Case[] = [
  { what: 'a GIT~1 directory (NTFS\'s short name of .git)', code: 'UNSAFE_PATH', offender: 'GIT~1', members: [file('GIT~1/hooks/post-checkout')] },
  { what: 'a ".git." component', code: 'UNSAFE_PATH', offender: '.git.', members: [file('src/.git./config')] },
  { what: 'a ".git " component (trailing space)', code: 'UNSAFE_PATH', offender: '.git ', members: [file('a/.git /config')] },
  { what: 'a .git alternate data stream (".git:stream")', code: 'UNSAFE_PATH', offender: '.git:stream', members: [file('.git:stream')] },
  { what: 'a .git that HFS+ sees through a zero-width joiner', code: 'UNSAFE_PATH', offender: 'usr/.g\u200dit/config', members: [file('usr/.g\u200dit/config')] },
  { what: 'a name of 256 bytes', code: 'NAME_TOO_LONG', offender: LONG_NAME, members: [file('usr/ok'), file(`usr/${LONG_NAME}`)] },
  {
    what: 'a symlink whose target is 5000 bytes (more than symlink(2) takes)',
    code: 'NAME_TOO_LONG',
    offender: 'usr/lib/far',
    members: [{ kind: 'symlink', path: 'usr/lib/far', target: 't'.repeat(5000) }],
  },
  { what: 'a .gitmodules whose url is --upload-pack=...', code: 'UNSAFE_PATH', offender: 'vendor/.gitmodules', members: [file('vendor/.gitmodules', UPLOAD_PACK)] },
  {
    what: 'a GITMOD~1 (a .gitmodules to git) whose update runs a command',
    code: 'UNSAFE_PATH',
    offender: 'GITMOD~1',
    members: [file('GITMOD~1', '[submodule "x"]\n\tupdate = !rm -rf ~\n')],
  },
  {
    what: 'a hardlink named .gitmodules to a file with an --upload-pack url',
    code: 'UNSAFE_PATH',
    offender: '.gitmodules',
    members: [file('notes', UPLOAD_PACK), { kind: 'hardlink', path: '.gitmodules', target: 'notes' }],
  },
  { what: 'a directory named .gitmodules', code: 'UNSAFE_PATH', offender: '.gitmodules', members: [file('x/.gitmodules/y')] },
  { what: 'a symlink named .GITMODULES', code: 'UNSAFE_PATH', offender: '.GITMODULES', members: [{ kind: 'symlink', path: 'a/.GITMODULES', target: 'b' }] },
];

for (const c of tarCases) {
  test(`tar: ${c.what} is refused with ${c.code} and nothing is recorded`, async (t) => {
    const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-refused-tar', t);
    const tarball = join(dir, ARTIFACT_NAME);
    writeHandmadeTarball(tarball, [{ kind: 'dir', path: '.' }, ...c.members]);
    for (const [via, args] of [
      ['artifact import', ['artifact', 'import', tarball]],
      ['root commit --tree tar=', ['root', 'commit', 'evil', '--tree', `tar=${tarball}`]],
    ] as const) {
      await t.test(`via ${via}`, () => {
        const before = snapshotRepoState(repo);
        assertCliError(runHacktree([...args], { repo }), c.code, [c.offender, ARTIFACT_NAME]);
        assertRepoUnchanged(before, snapshotRepoState(repo));
      });
    }
    assertFsckClean(repo);
    const next = runHacktree(['artifact', 'import', seed.goodArtifact], { repo });
    assert.equal(next.status, 0, `a good import works next: ${next.stderr}`);
  });
}

interface DirCase {
  what: string;
  code: ErrorCode;
  offender: string;
  make: (dir: string) => void;
}

const deep = Array.from({ length: 40 }, (_, i) => `level${i}-${'d'.repeat(74)}`).join('/');

const dirCases: DirCase[] = [
  { what: 'a GIT~1 directory', code: 'UNSAFE_PATH', offender: 'GIT~1', make: (d) => writeFileAt(d, 'GIT~1/config') },
  { what: 'a file named .git.', code: 'UNSAFE_PATH', offender: '.git.', make: (d) => writeFileAt(d, 'usr/.git.') },
  { what: 'a directory named ".GIT " (trailing space)', code: 'UNSAFE_PATH', offender: '.GIT ', make: (d) => writeFileAt(d, '.GIT /hooks/x') },
  { what: 'a path of more than 3072 bytes', code: 'NAME_TOO_LONG', offender: 'level37-', make: (d) => writeFileAt(d, `${deep}/file`) },
  { what: 'a .gitmodules whose url is --upload-pack=...', code: 'UNSAFE_PATH', offender: '.gitmodules', make: (d) => writeFileAt(d, 'src/.gitmodules', UPLOAD_PACK) },
  {
    what: 'a symlink named .gitmodules',
    code: 'UNSAFE_PATH',
    offender: '.gitmodules',
    make: (d) => {
      writeFileAt(d, 'README');
      symlinkSync('README', join(d, '.gitmodules'));
    },
  },
];

function writeFileAt(root: string, path: string, content = 'payload\n'): void {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, content);
}

for (const c of dirCases) {
  test(`dir: ${c.what} is refused with ${c.code} by root commit and artifact pack, and nothing is recorded or written`, (t) => {
    const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-refused-dir', t);
    const src = join(dir, 'src');
    mkdirSync(src);
    c.make(src);
    const before = snapshotRepoState(repo);
    assertCliError(runHacktree(['root', 'commit', 'evil', '--tree', `dir=${src}`], { repo }), c.code, [c.offender]);
    assertRepoUnchanged(before, snapshotRepoState(repo));
    const out = join(dir, 'out');
    const pack = runHacktree(['artifact', 'pack', src, '--name', 'evil', '--version', '1', '--root', '1-opt-x86_64', '--flavor', 'opt', '--out', out], { repo });
    assertCliError(pack, c.code, [c.offender]);
    assert.deepEqual(existsSync(out) ? readdirSync(out) : [], [], 'no tarball was written');
    assertFsckClean(repo);
    const next = runHacktree(['root', 'commit', 'next', '--tree', `dir=${seed.goodDir}`], { repo });
    assert.equal(next.status, 0, `a good commit works next: ${next.stderr}`);
  });
}

test('names git accepts that look like these (.gitignore, .github, git~2, a 255-byte name) commit and pass git fsck --strict', (t) => {
  const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-accepted-names', t);
  const src = join(dir, 'src');
  for (const path of ['.gitignore', '.github/workflows/ci.yml', 'git~2', 'usr/share/git-core/x', `usr/${'m'.repeat(255)}`, '.gitmodules']) {
    writeFileAt(src, path, path === '.gitmodules' ? '[submodule "lib"]\n\tpath = lib\n\turl = https://example.com/lib.git\n' : 'ok\n');
  }
  const run = runHacktree(['root', 'commit', 'fine', '--tree', `dir=${src}`], { repo });
  assert.equal(run.status, 0, run.stderr);
  const ls = spawnSync('git', [`--git-dir=${repo}`, 'ls-tree', '-r', '--name-only', 'fine:files'], { encoding: 'utf8' });
  assert.ok(ls.stdout.split('\n').includes(`usr/${'m'.repeat(255)}`), ls.stdout);
  assertFsckClean(repo);
});
