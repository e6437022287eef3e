import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertCliError } from '../../helpers/assertCliError.js';
import { runHacktree, makeTempDir, type RunResult } from '../../helpers/cli.js';
import { assertFsckClean, assertRepoUnchanged, gitFsck, snapshotRepoState } from '../../helpers/repoState.js';
import { freshSeededRepo, makeSeededRepo, type SeededRepo } from '../../helpers/seededRepo.js';
import { gitDir } from '../../helpers/gitDir.js';

// A ref that is there but cannot be read is never taken for an absent one: fsck names it (exit
// 11), prune refuses (REF_DAMAGED, so it cannot delete the history only that ref reached), and
// every command that would move, read or list it refuses too, so `root commit BRANCH` cannot
// start a new history over the old one. Nothing changes in the repository; once the ref is
// repaired as the hint says, fsck (hacktree's and git's) is clean and the history goes on.

let tmp: string;
let seed: SeededRepo;
before(() => {
  tmp = makeTempDir('hacktree-e2e-damaged-ref');
  seed = makeSeededRepo(tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const freshRepo = (t: { after: (fn: () => void) => void }) => freshSeededRepo(seed, 'hacktree-e2e-damaged-ref-case', t);

const git = gitDir;

function ok(repo: string, args: string[]): RunResult {
  const run = runHacktree(args, { repo });
  assert.equal(run.status, 0, `hacktree ${args.join(' ')}: ${run.stderr}`);
  return run;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `hacktree fsck` fails and prints one ref-damaged line for `ref`, at `path`, saying `detail`. */
function assertFsckNames(repo: string, { ref, path, detail }: { ref: string | null; path: string; detail: RegExp }): void {
  const fsck = runHacktree(['fsck'], { repo });
  assertCliError(fsck, 'FSCK_FAILED');
  assert.match(fsck.stderr, /hint: .*dangling commit/, 'the hint says how to find the lost commit');
  const line = fsck.stdout.split('\n').find((l) => l.startsWith(`ref-damaged\t${path}\t${ref === null ? '' : `${ref}: `}`));
  assert.ok(line, `fsck names ${ref ?? 'packed-refs'} at ${path}:\n${fsck.stdout}`);
  assert.match(line, detail);
  assert.doesNotMatch(`${fsck.stdout}${fsck.stderr}`, /INTERNAL/);
}

interface DamageCase {
  title: string;
  /** The branch damaged: "keep" (committed by the test, a loose ref) or the seed's "base" (packed). */
  branch: 'keep' | 'base';
  /** Where fsck says the damage is, relative to the repository. */
  at: (branch: string) => string;
  detail: RegExp;
  damage: (repo: string, tip: string, dir: string) => void;
  /** Native git fsck on the damaged repository: it reports the ref, or it reads none there (an empty directory, a link it follows). */
  git: 'reports' | 'does not report';
  /** The repair the hint describes, bringing back `tip`. */
  repair: (repo: string, tip: string) => void;
}

const loose = (branch: string) => `refs/heads/${branch}`;
const writeTip = (repo: string, tip: string) => writeFileSync(join(repo, loose('keep')), `${tip}\n`);
const overwrite = (text: (tip: string) => string) => (repo: string, tip: string) => writeFileSync(join(repo, loose('keep')), text(tip));

const cases: DamageCase[] = [
  { title: 'an empty ref file (the issue: ": > REPO/refs/heads/keep")', branch: 'keep', at: loose, detail: /the ref file is empty/, damage: overwrite(() => ''), git: 'reports', repair: writeTip },
  { title: 'garbage in the ref file', branch: 'keep', at: loose, detail: /it holds "\\u0000\\u0000garbage", not a 40-digit commit id/, damage: overwrite(() => '\0\0garbage\n'), git: 'reports', repair: writeTip },
  { title: 'an id one digit short', branch: 'keep', at: loose, detail: /39-digit id/, damage: overwrite((tip) => `${tip.slice(0, 39)}\n`), git: 'reports', repair: writeTip },
  { title: 'a 64-digit (sha256-sized) id', branch: 'keep', at: loose, detail: /64-digit id/, damage: overwrite((tip) => `${tip}${tip.slice(0, 24)}\n`), git: 'reports', repair: writeTip },
  {
    title: 'a symbolic link to a file outside the repository (holding the right id: git reads through it, hacktree does not)',
    branch: 'keep',
    at: loose,
    detail: /symbolic link to .*elsewhere-ref; hacktree reads refs only from plain files/,
    damage: (repo, tip, dir) => {
      writeFileSync(join(dir, 'elsewhere-ref'), `${tip}\n`);
      rmSync(join(repo, loose('keep')));
      symlinkSync(join(dir, 'elsewhere-ref'), join(repo, loose('keep')));
    },
    git: 'does not report',
    repair: (repo, tip) => {
      rmSync(join(repo, loose('keep')));
      writeTip(repo, tip);
    },
  },
  {
    title: 'an empty directory where the ref file was',
    branch: 'keep',
    at: loose,
    detail: /an empty directory stands where a ref may have been/,
    damage: (repo) => {
      rmSync(join(repo, loose('keep')));
      mkdirSync(join(repo, loose('keep')));
    },
    git: 'does not report',
    repair: (repo, tip) => {
      rmSync(join(repo, loose('keep')), { recursive: true });
      writeTip(repo, tip);
    },
  },
  {
    title: 'a bad line in packed-refs (a packed branch whose id lost a digit)',
    branch: 'base',
    at: () => 'packed-refs',
    detail: /packed-refs line \d+: "[0-9a-f]{39} refs\/heads\/base" is not "<40-digit id> <ref>"/,
    damage: (repo, tip) => writeFileSync(join(repo, 'packed-refs'), readFileSync(join(repo, 'packed-refs'), 'utf8').replace(`${tip} `, `${tip.slice(1)} `)),
    git: 'reports',
    repair: (repo, tip) => writeFileSync(join(repo, 'packed-refs'), readFileSync(join(repo, 'packed-refs'), 'utf8').replace(`${tip.slice(1)} `, `${tip} `)),
  },
];

for (const c of cases) {
  test(`damaged ref: ${c.title}: fsck names it, prune and root commit refuse, nothing changes; repaired, history goes on`, (t) => {
    const { dir, repo } = freshRepo(t);
    ok(repo, ['root', 'commit', 'keep', '--tree', `dir=${seed.goodDir}`, '-m', 'the history to keep']);
    const tip = git(repo, 'rev-parse', c.branch);
    const ref = loose(c.branch);
    c.damage(repo, tip, dir);
    const before = snapshotRepoState(repo);

    assertFsckNames(repo, { ref, path: join(repo, c.at(c.branch)), detail: c.detail });
    const native = gitFsck(repo);
    if (c.git === 'reports') {
      assert.notEqual(native.status, 0, `git fsck fails too:\n${native.output}`);
      assert.match(native.output, c.branch === 'base' ? /packed-refs/ : new RegExp(escapeRegExp(ref)), native.output);
    } else {
      assert.equal(native.findings, '', `git fsck reads no ref there (hacktree is stricter):\n${native.output}`);
    }

    for (const args of [['prune'], ['prune', '--dry-run'], ['prune', '--keep', '1']]) {
      const prune = runHacktree(args, { repo });
      assertCliError(prune, 'REF_DAMAGED', [ref, 'prune refuses']);
      assert.match(prune.stderr, /hint: run "hacktree fsck"/);
    }
    // The issue: root commit took the damaged ref for an absent one and started a new history.
    assertCliError(runHacktree(['root', 'commit', c.branch, '--tree', `dir=${seed.goodDir}`], { repo }), 'REF_DAMAGED', [ref]);
    // Reading it, as a layer or a checkout, and listing the branches refuse as well.
    assertCliError(runHacktree(['root', 'commit', 'other', '--tree', `ref=${c.branch}`], { repo }), 'REF_DAMAGED', [ref]);
    assertCliError(runHacktree(['checkout', c.branch, join(dir, 'out')], { repo }), 'REF_DAMAGED', [ref]);
    assertCliError(runHacktree(['root', 'list'], { repo }), 'REF_DAMAGED', [ref]);
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('out')), [], 'no checkout was made');
    assertRepoUnchanged(before, snapshotRepoState(repo));
    git(repo, 'cat-file', '-e', `${tip}^{commit}`);

    c.repair(repo, tip);
    assertFsckClean(repo);
    ok(repo, ['root', 'commit', c.branch, '--tree', `dir=${seed.goodDir}`, '--tree', `artifact=${seed.goodArtifact}`]);
    assert.equal(git(repo, 'rev-parse', `${c.branch}^`), tip, 'the next commit continues the repaired history');
    assertFsckClean(repo);
  });
}

test('damaged ref: an empty ref and a garbage one together: fsck and prune name both', (t) => {
  const { repo } = freshRepo(t);
  ok(repo, ['root', 'commit', 'keep', '--tree', `dir=${seed.goodDir}`]);
  ok(repo, ['root', 'commit', 'also', '--tree', `dir=${seed.goodDir}`]);
  writeFileSync(join(repo, 'refs/heads/keep'), '');
  writeFileSync(join(repo, 'refs/heads/also'), 'not an id\n');
  const before = snapshotRepoState(repo);
  assertFsckNames(repo, { ref: 'refs/heads/keep', path: join(repo, 'refs/heads/keep'), detail: /empty/ });
  assertFsckNames(repo, { ref: 'refs/heads/also', path: join(repo, 'refs/heads/also'), detail: /"not an id"/ });
  assertCliError(runHacktree(['prune'], { repo }), 'REF_DAMAGED', ['2 refs', 'refs/heads/keep', 'refs/heads/also']);
  assertRepoUnchanged(before, snapshotRepoState(repo));
});

test("damaged ref: an imported artifact's ref emptied: import again refuses rather than import over it, prune refuses", (t) => {
  const { repo } = freshRepo(t);
  ok(repo, ['artifact', 'import', seed.goodArtifact]);
  const sha256 = createHash('sha256').update(readFileSync(seed.goodArtifact)).digest('hex');
  const ref = `refs/hacktree/artifacts/${sha256}`;
  const commit = git(repo, 'rev-parse', ref);
  writeFileSync(join(repo, ref), '');
  const before = snapshotRepoState(repo);

  assertFsckNames(repo, { ref, path: join(repo, ref), detail: /empty/ });
  assertCliError(runHacktree(['artifact', 'import', seed.goodArtifact], { repo }), 'REF_DAMAGED', [ref]);
  assertCliError(runHacktree(['prune'], { repo }), 'REF_DAMAGED', [ref]);
  assertCliError(runHacktree(['artifact', 'list'], { repo }), 'REF_DAMAGED', [ref]);
  assertRepoUnchanged(before, snapshotRepoState(repo));

  writeFileSync(join(repo, ref), `${commit}\n`);
  assertFsckClean(repo);
  assert.match(ok(repo, ['artifact', 'import', seed.goodArtifact]).stdout, /already imported/);
});

test('a ref to a commit that is not there: fsck names it, prune and root commit refuse to build on it', (t) => {
  const { repo } = freshRepo(t);
  ok(repo, ['root', 'commit', 'keep', '--tree', `dir=${seed.goodDir}`]);
  const tip = git(repo, 'rev-parse', 'keep');
  const absent = '0123456789abcdef0123456789abcdef01234567';
  writeFileSync(join(repo, 'refs/heads/keep'), `${absent}\n`);
  const before = snapshotRepoState(repo);

  const fsck = runHacktree(['fsck'], { repo });
  assertCliError(fsck, 'FSCK_FAILED');
  assert.match(fsck.stdout, new RegExp(`^object-missing\\t.*\\treached from refs/heads/keep: commit ${absent} is missing$`, 'm'));
  assert.match(gitFsck(repo).output, new RegExp(`refs/heads/keep: invalid sha1 pointer ${absent}`));
  assertCliError(runHacktree(['prune'], { repo }), 'OBJECT_MISSING', [absent]);
  assertCliError(runHacktree(['root', 'commit', 'keep', '--tree', `dir=${seed.goodDir}`], { repo }), 'OBJECT_MISSING', ['refs/heads/keep', absent]);
  assertRepoUnchanged(before, snapshotRepoState(repo));

  writeFileSync(join(repo, 'refs/heads/keep'), `${tip}\n`);
  assertFsckClean(repo);
});

test('empty folders older hacktree versions left are not damage: refs/heads/local after root reset, quarantine folders under refs/hacktree/incoming/, refs/hacktree/deployed', (t) => {
  const { repo } = freshRepo(t);
  for (const folder of ['refs/heads/local', 'refs/hacktree/incoming/origin/repair/local', 'refs/hacktree/deployed', 'refs/tags']) {
    mkdirSync(join(repo, folder), { recursive: true });
  }
  assertFsckClean(repo);
  const before = snapshotRepoState(repo);
  ok(repo, ['prune', '--dry-run']);
  assertRepoUnchanged(before, snapshotRepoState(repo));
});
