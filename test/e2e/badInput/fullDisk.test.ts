import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCodes } from '../../../src/errors/errorCodes.js';
import { hacktreeBin, inMountNamespace, makeTempDir, runHacktree } from '../../helpers/cli.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../../helpers/repoState.js';

// The repository on a small tmpfs (in a private mount namespace): a write that runs out of
// space is NO_SPACE, records no ref and leaves no temporary file; once there is room, the same
// command works. The namespace is gone when its script ends, so the script copies the
// repository out after each step and the checks run on those copies.

let tmp: string;
/** Six 1 MiB files of random bytes: 12 MiB in the store (blobs + raw cache), on a 3 MiB disk. */
let bigTree: string;
let bigArtifact: string;
before(() => {
  tmp = makeTempDir('hacktree-e2e-full-disk');
  bigTree = join(tmp, 'big');
  mkdirSync(join(bigTree, 'usr', 'lib'), { recursive: true });
  for (let i = 0; i < 6; i++) writeFileSync(join(bigTree, 'usr', 'lib', `libbig${i}.so.1`), randomBytes(1 << 20));
  const packed = runHacktree(['artifact', 'pack', bigTree, '--name', 'big', '--version', '1', '--root', '1-opt-x86_64', '--flavor', 'opt',
    '--out', join(tmp, 'artifacts'), '--json']);
  assert.equal(packed.status, 0, packed.stderr);
  bigArtifact = (JSON.parse(packed.stdout) as { runtime: { path: string } }).runtime.path;
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

interface FullDiskRun {
  /** Copies of the repository: after init, after the failed command, after the retry. */
  before: string;
  afterFailure: string;
  afterRetry: string;
  failure: { status: number; stderr: string };
  retry: { status: number; stderr: string };
}

/**
 * Runs `args` against a repository on a 3 MiB tmpfs (`prefill`: filled up to the last byte
 * first), then again after growing it to 64 MiB.
 */
function runOnSmallDisk(dir: string, args: string[], options: { prefill?: boolean } = {}): FullDiskRun {
  const disk = join(dir, 'disk');
  const out = join(dir, 'out');
  mkdirSync(disk);
  mkdirSync(out);
  const hacktree = `node ${quote(hacktreeBin)}`;
  const command = `${hacktree} ${args.map(quote).join(' ')} --repo "$D/repo"`;
  const script = `
    D=${quote(disk)}; OUT=${quote(out)}
    mount -t tmpfs -o size=3m tmpfs "$D"
    ${hacktree} init -q --repo "$D/repo"
    cp -a "$D/repo" "$OUT/before"
    ${options.prefill ? 'dd if=/dev/zero of="$D/filler" bs=64k 2>/dev/null || true' : ''}
    status=0; ${command} >/dev/null 2>"$OUT/failure.stderr" || status=$?
    echo $status >"$OUT/failure.status"
    cp -a "$D/repo" "$OUT/after-failure"
    mount -o remount,size=64m "$D"
    status=0; ${command} >/dev/null 2>"$OUT/retry.stderr" || status=$?
    echo $status >"$OUT/retry.status"
    cp -a "$D/repo" "$OUT/after-retry"
  `;
  const run = inMountNamespace(script);
  assert.equal(run.status, 0, `the namespace script failed: ${run.stderr}`);
  const read = (name: string) => readFileSync(join(out, name), 'utf8');
  return {
    before: join(out, 'before'),
    afterFailure: join(out, 'after-failure'),
    afterRetry: join(out, 'after-retry'),
    failure: { status: Number(read('failure.status')), stderr: read('failure.stderr') },
    retry: { status: Number(read('retry.status')), stderr: read('retry.stderr') },
  };
}

function assertNoSpace(failure: { status: number; stderr: string }): void {
  assert.equal(failure.status, errorCodes.NO_SPACE, failure.stderr);
  assert.match(failure.stderr, /^hacktree: error\[NO_SPACE\]: no space left on the device holding \S+\/repo$/m);
  assert.match(failure.stderr, /^ {2}hint: /m);
  assert.doesNotMatch(failure.stderr, /^\s+at /m, 'no stack trace');
}

test('artifact import onto a full disk is NO_SPACE with no partial ref; after remounting bigger it works', (t) => {
  const dir = makeTempDir('hacktree-e2e-full-disk-import');
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const run = runOnSmallDisk(dir, ['artifact', 'import', bigArtifact]);

  assertNoSpace(run.failure);
  const afterFailure = snapshotRepoState(run.afterFailure);
  assert.deepEqual([...afterFailure.refs.keys()].filter((ref) => ref.startsWith('refs/hacktree/artifacts/')), [], 'no artifact ref');
  assertRepoUnchanged(snapshotRepoState(run.before), afterFailure);
  assertFsckClean(run.afterFailure);

  assert.equal(run.retry.status, 0, run.retry.stderr);
  assert.equal([...snapshotRepoState(run.afterRetry).refs.keys()].filter((ref) => ref.startsWith('refs/hacktree/artifacts/')).length, 1);
  assertFsckClean(run.afterRetry);
});

test('root commit --tree dir= onto a full disk is NO_SPACE with no branch; after remounting bigger it works', (t) => {
  const dir = makeTempDir('hacktree-e2e-full-disk-commit');
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const run = runOnSmallDisk(dir, ['root', 'commit', 'big', '--tree', `dir=${bigTree}`]);

  assertNoSpace(run.failure);
  assertRepoUnchanged(snapshotRepoState(run.before), snapshotRepoState(run.afterFailure));
  assertFsckClean(run.afterFailure);

  assert.equal(run.retry.status, 0, run.retry.stderr);
  assert.ok(snapshotRepoState(run.afterRetry).refs.has('refs/heads/big'), 'the branch exists after the retry');
  assertFsckClean(run.afterRetry);
  const ls = runHacktree(['root', 'ls', 'big', 'usr/lib'], { repo: run.afterRetry });
  assert.equal(ls.status, 0, ls.stderr);
  assert.equal(ls.stdout.trim().split('\n').length, 6, ls.stdout);
});

test('a disk already full when a writer starts: NO_SPACE, no lock left behind; with room the writer works', (t) => {
  const dir = makeTempDir('hacktree-e2e-full-disk-prefilled');
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const run = runOnSmallDisk(dir, ['root', 'commit', 'small', '--tree', `dir=${join(bigTree, 'usr')}`], { prefill: true });

  assertNoSpace(run.failure);
  // The lock file is among the files compared: it must not stay behind, empty, blocking everyone.
  assertRepoUnchanged(snapshotRepoState(run.before), snapshotRepoState(run.afterFailure));
  assertFsckClean(run.afterFailure);
  assert.equal(run.retry.status, 0, run.retry.stderr);
  assertFsckClean(run.afterRetry);
});
