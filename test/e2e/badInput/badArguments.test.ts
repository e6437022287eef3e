import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertCliError } from '../../helpers/assertCliError.js';
import { makeTempDir, runHacktree, type RunResult } from '../../helpers/cli.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../../helpers/repoState.js';
import { ARTIFACT_NAME, freshSeededRepo, makeSeededRepo, type SeededRepo } from '../../helpers/seededRepo.js';

// Arguments that name nothing usable (a missing tarball, a directory for a tarball, a checkout
// into a missing directory, a branch name no file can carry, an empty --repo) get a clear error
// with a stable code, never INTERNAL, and change nothing.

let tmp: string;
let seed: SeededRepo;
before(() => {
  tmp = makeTempDir('hacktree-e2e-bad-arguments');
  seed = makeSeededRepo(tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function assertNoInternal(run: RunResult): void {
  assert.doesNotMatch(run.stdout + run.stderr, /INTERNAL/, run.stderr);
}

/** Runs a command that must fail with `code` naming `names`, and checks it changed nothing. */
function refused(repo: string, args: string[], code: Parameters<typeof assertCliError>[1], names: string[], env?: Record<string, string>): RunResult {
  const before = snapshotRepoState(repo);
  const run = runHacktree(args, { repo, env });
  assertCliError(run, code, names);
  assertNoInternal(run);
  assertRepoUnchanged(before, snapshotRepoState(repo));
  return run;
}

test('a --tree tar= or artifact that is missing is SOURCE_NOT_FOUND, one that is a directory or fifo NOT_A_FILE', (t) => {
  const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-tar-path', t);
  const missing = join(dir, 'missing.tar.gz');
  const underFile = join(dir, 'plain', 'x.tar');
  writeFileSync(join(dir, 'plain'), 'a file\n');
  const directory = join(dir, ARTIFACT_NAME);
  mkdirSync(directory);
  refused(repo, ['root', 'commit', 'x', '--tree', `tar=${missing}`], 'SOURCE_NOT_FOUND', [missing]);
  refused(repo, ['root', 'commit', 'x', '--tree', `tar=${underFile}`], 'SOURCE_NOT_FOUND', [underFile]);
  refused(repo, ['root', 'commit', 'x', '--tree', `tar=${directory}`], 'NOT_A_FILE', [directory]);
  refused(repo, ['artifact', 'import', directory], 'NOT_A_FILE', [directory]);
  refused(repo, ['root', 'commit', 'x', '--tree', `artifact=${directory}`], 'NOT_A_FILE', [directory]);
  refused(repo, ['root', 'commit', 'x', '--tree', 'tar=/dev/null'], 'NOT_A_FILE', ['/dev/null']);
  assertFsckClean(repo);
});

test('checkout into a directory that does not exist, or beneath a file, is PATH_NOT_FOUND naming the parent; nothing is made', (t) => {
  const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-checkout-parent', t);
  writeFileSync(join(dir, 'plain'), 'a file\n');
  for (const dest of ['/no/such/parent/x', join(dir, 'missing', 'deeper', 'x'), join(dir, 'plain', 'x')]) {
    for (const flags of [[], ['--copy']]) {
      const run = refused(repo, ['checkout', 'base', dest, ...flags], 'PATH_NOT_FOUND', [dest]);
      assert.match(run.stderr, /mkdir -p/);
    }
  }
  assert.deepEqual(readdirSync(dir).sort(), ['plain', 'repo'], 'nothing was made beside the repository');
  assert.ok(!existsSync('/no/such'));
  assertFsckClean(repo);
});

test('a branch name no ref file can carry (5000 characters, a 251-byte component) is REF_NAME_INVALID; reading one is REF_NOT_FOUND', (t) => {
  const { repo } = freshSeededRepo(seed, 'hacktree-e2e-long-branch', t);
  const huge = 'a'.repeat(5000);
  const longPart = `team/${'b'.repeat(251)}`;
  for (const branch of [huge, longPart, `root-${'c'.repeat(300)}`]) {
    const run = refused(repo, ['root', 'commit', branch, '--tree', `dir=${seed.goodDir}`], 'REF_NAME_INVALID', [branch.slice(0, 40)]);
    assert.ok(run.stderr.length < 2000, 'the message does not repeat the whole name');
  }
  refused(repo, ['root', 'ls', huge], 'REF_NOT_FOUND', []);
  refused(repo, ['checkout', huge, join(repo, '..', 'dest')], 'REF_NOT_FOUND', []);
  refused(repo, ['root', 'commit', 'x', '--tree', `ref=${huge}`], 'REF_NOT_FOUND', []);
  // The longest name that fits works.
  const fits = 'd'.repeat(250);
  const run = runHacktree(['root', 'commit', fits, '--tree', `dir=${seed.goodDir}`], { repo });
  assert.equal(run.status, 0, run.stderr);
  assertFsckClean(repo);
});

test('an empty --repo or HACKTREE_REPO is USAGE, and nothing is written in the working directory', (t) => {
  const cwd = mkdtempSync(join(tmp, 'cwd-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  for (const args of [['fsck'], ['init'], ['root', 'list'], ['checkout', 'base', 'dest'], ['root', 'commit', 'x', '--tree', `dir=${seed.goodDir}`]]) {
    for (const [how, run] of [
      ['--repo \'\'', () => runHacktree(args, { repo: '', cwd })],
      ['HACKTREE_REPO=\'\'', () => runHacktree(args, { cwd, env: { HACKTREE_REPO: '' } })],
    ] as const) {
      const result = run();
      assertCliError(result, 'USAGE', ['empty']);
      assertNoInternal(result);
      assert.deepEqual(readdirSync(cwd), [], `${how} ${args.join(' ')} wrote nothing in the working directory`);
    }
  }
});
