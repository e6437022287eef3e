import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertCliError } from '../helpers/assertCliError.js';
import { makeTempDir, runHacktree } from '../helpers/cli.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';
import { copySeededRepo, makeSeededRepo, type SeededRepo } from '../helpers/seededRepo.js';
import { spawnHacktree } from '../helpers/spawnHacktree.js';

// Writers take the repository lock (hacktree/lock, holding the writer's pid): several at once
// all succeed, one after another; a live holder makes others wait HACKTREE_LOCK_TIMEOUT
// seconds, then fail with REPO_BUSY; a dead holder's lock is broken.

let tmp: string;
let seed: SeededRepo;
/** Distinct trees of 400 small random files each: a commit takes long enough to overlap. */
const trees: string[] = [];

before(() => {
  tmp = makeTempDir('hacktree-e2e-concurrency');
  seed = makeSeededRepo(tmp);
  for (let t = 0; t < 4; t++) {
    const tree = join(tmp, `tree${t}`);
    for (let d = 0; d < 20; d++) {
      mkdirSync(join(tree, `d${d}`), { recursive: true });
      for (let f = 0; f < 20; f++) writeFileSync(join(tree, `d${d}`, `f${f}`), randomBytes(2048));
    }
    trees.push(tree);
  }
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function freshRepo(t: { after: (fn: () => void) => void }): string {
  const dir = makeTempDir('hacktree-e2e-concurrency-case');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return copySeededRepo(seed, join(dir, 'repo'));
}

interface CommitJson {
  commit: string;
  parent: string | null;
}

function gitOut(repo: string, args: string[]): string {
  const run = spawnSync('git', [`--git-dir=${repo}`, ...args], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim();
}

function assertNoLockOrTemp(repo: string): void {
  assert.ok(!existsSync(join(repo, 'hacktree', 'lock')), 'the lock was released');
  assert.deepEqual(snapshotRepoState(repo).tmp, [], 'hacktree/tmp is empty');
}

test('writers to different branches at once (two commits and an import) all succeed', async (t) => {
  const repo = freshRepo(t);
  const results = await Promise.all([
    spawnHacktree(['root', 'commit', 'one', '--tree', `dir=${trees[0]}`, '--json'], { repo }),
    spawnHacktree(['root', 'commit', 'two', '--tree', `dir=${trees[1]}`, '--json'], { repo }),
    spawnHacktree(['artifact', 'import', seed.goodArtifact, '--json'], { repo }),
  ]);
  for (const r of results) assert.equal(r.status, 0, r.stderr);
  const [one, two] = results.slice(0, 2).map((r) => JSON.parse(r.stdout) as CommitJson);
  assert.equal(gitOut(repo, ['rev-parse', 'refs/heads/one']), one!.commit);
  assert.equal(gitOut(repo, ['rev-parse', 'refs/heads/two']), two!.commit);
  const imported = JSON.parse(results[2]!.stdout) as Array<{ ref: string; commit: string }>;
  assert.equal(gitOut(repo, ['rev-parse', imported[0]!.ref]), imported[0]!.commit);
  assert.equal(gitOut(repo, ['rev-parse', 'refs/heads/base']), gitOut(seed.repo, ['rev-parse', 'refs/heads/base']), 'base untouched');
  assertNoLockOrTemp(repo);
  assertFsckClean(repo);
});

test('writers to one branch at once all land, one after another: each parent is the previous commit', async (t) => {
  const repo = freshRepo(t);
  const results = await Promise.all(
    trees.slice(0, 3).map((tree, i) => spawnHacktree(['root', 'commit', 'shared', '--tree', `dir=${tree}`, '-m', `writer ${i}`, '--json'], { repo })),
  );
  for (const r of results) assert.equal(r.status, 0, r.stderr);
  const commits = results.map((r) => JSON.parse(r.stdout) as CommitJson);

  // Follow parents from the one that started the branch: a chain through all three.
  const chain: CommitJson[] = [];
  let next = commits.find((c) => c.parent === null);
  while (next) {
    chain.push(next);
    const tip: CommitJson = next;
    next = commits.find((c) => c.parent === tip.commit);
  }
  assert.equal(chain.length, 3, `one chain through all three commits: ${JSON.stringify(commits)}`);
  assert.equal(gitOut(repo, ['rev-parse', 'refs/heads/shared']), chain[2]!.commit, 'the branch is at the last one');
  assert.equal(gitOut(repo, ['rev-list', '--count', 'refs/heads/shared']), '3');
  assertNoLockOrTemp(repo);
  assertFsckClean(repo);
});

test('a lock held by a live process: writers fail with REPO_BUSY after HACKTREE_LOCK_TIMEOUT, readers go on', async (t) => {
  const repo = freshRepo(t);
  const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => holder.kill());
  const lockPath = join(repo, 'hacktree', 'lock');
  writeFileSync(lockPath, `${holder.pid}\n`);
  const before = snapshotRepoState(repo);
  const env = { HACKTREE_LOCK_TIMEOUT: '1' };

  for (const args of [
    ['root', 'commit', 'blocked', '--tree', `dir=${seed.goodDir}`],
    ['artifact', 'import', seed.goodArtifact],
    ['fsck', '--repair'],
  ]) {
    await t.test(args.slice(0, 2).join(' '), async () => {
      const result = await spawnHacktree(args, { repo, env });
      assertCliError(result, 'REPO_BUSY', [repo, String(holder.pid)]);
      assert.match(result.stderr, /is busy/);
      assert.match(result.stderr, /hint: .*HACKTREE_LOCK_TIMEOUT/);
      assert.ok(result.ms >= 1000, `waited the timeout first (${result.ms} ms)`);
      assert.ok(result.ms < 15_000, `then gave up (${result.ms} ms)`);
    });
  }
  assertRepoUnchanged(before, snapshotRepoState(repo));
  assert.equal(readFileSync(lockPath, 'utf8'), `${holder.pid}\n`, "the holder's lock is left alone");

  const reader = runHacktree(['root', 'ls', 'base'], { repo, env });
  assert.equal(reader.status, 0, `reading needs no lock: ${reader.stderr}`);

  // Once the holder is gone, its lock is stale: the next writer breaks it.
  holder.kill();
  await new Promise((resolve) => (holder.exitCode !== null || holder.signalCode !== null ? resolve(null) : holder.once('exit', resolve)));
  const after = runHacktree(['root', 'commit', 'blocked', '--tree', `dir=${seed.goodDir}`], { repo, env });
  assert.equal(after.status, 0, after.stderr);
  assertNoLockOrTemp(repo);
  assertFsckClean(repo);
});

test('a lock left by a dead process is broken at once and the command succeeds', (t) => {
  const repo = freshRepo(t);
  const dead = spawnSync('true');
  assert.equal(dead.status, 0);
  writeFileSync(join(repo, 'hacktree', 'lock'), `${dead.pid}\n`);

  const started = Date.now();
  const result = runHacktree(['root', 'commit', 'after-crash', '--tree', `dir=${seed.goodDir}`], { repo, env: { HACKTREE_LOCK_TIMEOUT: '0' } });
  assert.equal(result.status, 0, result.stderr);
  assert.ok(Date.now() - started < 15_000);
  assertNoLockOrTemp(repo);
  assertFsckClean(repo);
});

test('a lock left by a dead process and several writers at once: it is broken once, all writers land in one chain', async (t) => {
  const repo = freshRepo(t);
  const dead = spawnSync('true');
  writeFileSync(join(repo, 'hacktree', 'lock'), `${dead.pid}\n`);

  // Each writer sees the dead holder; a writer that broke the lock after another had already
  // broken it and taken it would remove a live lock (two writers at once).
  const results = await Promise.all(
    trees.map((tree, i) => spawnHacktree(['root', 'commit', 'shared', '--tree', `dir=${tree}`, '-m', `writer ${i}`], { repo })),
  );
  for (const r of results) assert.equal(r.status, 0, r.stderr);
  assert.equal(gitOut(repo, ['rev-list', '--count', 'refs/heads/shared']), String(trees.length));
  assertNoLockOrTemp(repo);
  assert.ok(!existsSync(join(repo, 'hacktree', 'lock.break')), 'no breaker left');
  assertFsckClean(repo);
});

test('a hacktree writer stopped while holding the lock makes another fail with REPO_BUSY; resumed, both finish', async (t) => {
  const repo = freshRepo(t);
  const { holder, done: long } = await startLongCommitHoldingLock(repo, 'long');
  process.kill(holder, 'SIGSTOP');
  let resumed = false;
  t.after(() => {
    if (!resumed) process.kill(holder, 'SIGCONT');
  });

  const blocked = await spawnHacktree(['root', 'commit', 'other', '--tree', `dir=${seed.goodDir}`], { repo, env: { HACKTREE_LOCK_TIMEOUT: '1' } });
  assertCliError(blocked, 'REPO_BUSY', [String(holder)]);

  process.kill(holder, 'SIGCONT');
  resumed = true;
  const done = await long;
  assert.equal(done.status, 0, done.stderr);
  const retried = runHacktree(['root', 'commit', 'other', '--tree', `dir=${seed.goodDir}`], { repo });
  assert.equal(retried.status, 0, retried.stderr);
  assert.equal(gitOut(repo, ['rev-parse', 'refs/heads/long']), (JSON.parse(done.stdout) as CommitJson).commit);
  assertNoLockOrTemp(repo);
  assertFsckClean(repo);
});

test('a hacktree writer killed while holding the lock moves no ref; the next writer breaks its lock; fsck clears its temp files', async (t) => {
  const repo = freshRepo(t);
  const before = snapshotRepoState(repo);
  const { holder, done } = await startLongCommitHoldingLock(repo, 'killed');
  process.kill(holder, 'SIGKILL');
  assert.equal((await done).status, 128 + 9);

  const after = snapshotRepoState(repo);
  assert.deepEqual(after.refs, before.refs, 'no ref moved');
  assert.ok(after.files.has('hacktree/lock'), 'the dead writer left its lock');
  const next = runHacktree(['root', 'commit', 'next', '--tree', `dir=${seed.goodDir}`], { repo, env: { HACKTREE_LOCK_TIMEOUT: '0' } });
  assert.equal(next.status, 0, next.stderr);
  assert.ok(!existsSync(join(repo, 'hacktree', 'lock')), 'the lock was released');
  // Leftover temporary files of the killed writer, if any, are fsck's to remove.
  const fsck = runHacktree(['fsck'], { repo });
  assert.equal(fsck.status, 0, `${fsck.stdout}${fsck.stderr}`);
  assertNoLockOrTemp(repo);
  assertFsckClean(repo);
});

/** A tree of 2,000 small files beside the repository: committing it takes a while. */
function makeBigTree(repo: string): string {
  const big = join(repo, '..', 'big');
  for (let d = 0; d < 40; d++) {
    mkdirSync(join(big, `d${d}`), { recursive: true });
    for (let f = 0; f < 50; f++) writeFileSync(join(big, `d${d}`, `f${f}`), randomBytes(512));
  }
  return big;
}

/** Starts committing a big tree and resolves once that process holds the lock, with its pid. */
async function startLongCommitHoldingLock(repo: string, branch: string): Promise<{ holder: number; done: ReturnType<typeof spawnHacktree> }> {
  const lockPath = join(repo, 'hacktree', 'lock');
  const done = spawnHacktree(['root', 'commit', branch, '--tree', `dir=${makeBigTree(repo)}`, '--json'], { repo });
  let holder = NaN;
  for (const deadline = Date.now() + 60_000; !Number.isInteger(holder) && Date.now() < deadline; await sleep(2)) {
    holder = lockHolder(lockPath);
  }
  assert.ok(Number.isInteger(holder), 'the long commit took the lock');
  return { holder, done };
}

/** The pid in a lock file; NaN while there is none (or it is still being written). */
function lockHolder(lockPath: string): number {
  try {
    const text = readFileSync(lockPath, 'utf8').trim();
    return text === '' ? NaN : Number(text);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return NaN;
    throw err;
  }
}
