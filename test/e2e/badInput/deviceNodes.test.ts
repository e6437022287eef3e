import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertCliError } from '../../helpers/assertCliError.js';
import { hacktreeCommand, makeTempDir, runHacktree, type RunResult } from '../../helpers/cli.js';
import { writeHandmadeTarball } from '../../helpers/handmadeTarball.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../../helpers/repoState.js';
import { freshSeededRepo, makeSeededRepo, type SeededRepo } from '../../helpers/seededRepo.js';

// Device nodes go into the raw cache as they are (mknod(2), by the native addon or coreutils'
// mknod without it). Without the right to make them, or with numbers Linux cannot hold, the
// commit is a clear error naming the entry, and the repository stays as it was.

let tmp: string;
let seed: SeededRepo;
before(() => {
  tmp = makeTempDir('hacktree-e2e-device-nodes');
  seed = makeSeededRepo(tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const freshRepo = (t: { after: (fn: () => void) => void }) => freshSeededRepo(seed, 'hacktree-e2e-device-nodes-case', t);

/** A tree with a character device, a block device and a fifo, made as root. */
function treeWithNodes(dir: string): string {
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'dev'), { recursive: true });
  writeFileSync(join(tree, 'README'), 'a root with devices\n');
  for (const args of [['dev/null', 'c', '1', '3'], ['dev/loop0', 'b', '7', '0'], ['dev/initctl', 'p']]) {
    const made = spawnSync('mknod', [join(tree, args[0]!), ...args.slice(1)], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
  }
  return tree;
}

/** hacktree run without CAP_MKNOD (dropped from the bounding set, as in a container). */
function runWithoutMknod(args: string[], repo: string, env: Record<string, string> = {}): RunResult {
  const environment: Record<string, string | undefined> = { ...process.env, ...env };
  delete environment.HACKTREE_REPO;
  const run = spawnSync('setpriv', ['--bounding-set', '-mknod', hacktreeCommand, ...args, '--repo', repo], { env: environment, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

for (const [mode, env] of [['native addon', {}], ['coreutils (HACKTREE_NATIVE=0)', { HACKTREE_NATIVE: '0' }]] as const) {
  test(`without CAP_MKNOD, committing a tree with device nodes is NOT_PERMITTED and records nothing (${mode})`, (t) => {
    const { dir, repo } = freshRepo(t);
    const tree = treeWithNodes(dir);
    const before = snapshotRepoState(repo);

    const denied = runWithoutMknod(['root', 'commit', 'root-devices', '--tree', `dir=${tree}`], repo, env);
    assertCliError(denied, 'NOT_PERMITTED', ['dev/', 'not permitted']);
    assert.match(denied.stderr, /hint: .*CAP_MKNOD/);
    assertRepoUnchanged(before, snapshotRepoState(repo));
    assertFsckClean(repo);

    // With the right, the same commit works and checks out the same nodes.
    const good = runHacktree(['root', 'commit', 'root-devices', '--tree', `dir=${tree}`], { repo, env });
    assert.equal(good.status, 0, good.stderr);
    const out = join(dir, 'out');
    const checkout = runHacktree(['checkout', 'root-devices', out], { repo, env });
    assert.equal(checkout.status, 0, checkout.stderr);
    assert.equal(statSync(join(out, 'dev/null')).rdev, statSync(join(tree, 'dev/null')).rdev);
    assert.ok(statSync(join(out, 'dev/loop0')).isBlockDevice());
    assert.ok(statSync(join(out, 'dev/initctl')).isFIFO());
    assertFsckClean(repo);
  });
}

test('a tarball with device numbers Linux cannot hold is UNSUPPORTED_FILE_TYPE naming the member, and records nothing', (t) => {
  const { dir, repo } = freshRepo(t);
  const tarball = join(dir, 'bad-device.tar.gz');
  writeHandmadeTarball(tarball, [
    { kind: 'dir', path: 'dev' },
    { kind: 'chardev', path: 'dev/null', major: 1, minor: 3, mode: 0o666 },
    { kind: 'chardev', path: 'dev/huge', major: 4096, minor: 0, mode: 0o600 },
  ]);
  const before = snapshotRepoState(repo);

  assertCliError(runHacktree(['root', 'commit', 'root-bad', '--tree', `tar=${tarball}`], { repo }), 'UNSUPPORTED_FILE_TYPE', ['dev/huge', '4096,0']);
  assertRepoUnchanged(before, snapshotRepoState(repo));
  assertFsckClean(repo);
});
