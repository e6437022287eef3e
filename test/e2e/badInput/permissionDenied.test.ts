import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertCliError } from '../../helpers/assertCliError.js';
import { hacktreeCommand, makeTempDir, runHacktree, toRunResult } from '../../helpers/cli.js';
import { assertRepoUnchanged, snapshotRepoState } from '../../helpers/repoState.js';

// A user who may reach the repository's directories but not read its files (a root-owned
// repository, 0711: what a reader outside the daemon meets) is told NOT_PERMITTED naming the file
// and what to do, never error[INTERNAL:EACCES]; nothing changes.
const USER = 'ht-denied';
let work: string;
let repo: string;

before(() => {
  work = makeTempDir('hacktree-e2e-denied');
  repo = join(work, 'repo');
  mkdirSync(join(work, 'tree/etc'), { recursive: true });
  writeFileSync(join(work, 'tree/etc/motd'), 'hello\n');
  assert.equal(runHacktree(['init', '-q'], { repo }).status, 0);
  assert.equal(runHacktree(['root', 'commit', 'root-x', '--tree', `dir=${join(work, 'tree')}`, '-q'], { repo }).status, 0);
  chmodSync(work, 0o755);
  // Search on every directory, read on none of the files the refs live in.
  execFileSync('find', [repo, '-type', 'd', '-exec', 'chmod', '0711', '{}', '+']);
  execFileSync('find', [join(repo, 'refs'), '-type', 'f', '-exec', 'chmod', '0600', '{}', '+']);
  spawnSync('userdel', [USER]);
  execFileSync('useradd', ['--no-create-home', '--user-group', USER]);
});

after(() => {
  spawnSync('userdel', [USER]);
  if (work) rmSync(work, { recursive: true, force: true });
});

test('a read refused by the kernel is NOT_PERMITTED naming the file and the user, with a hint; nothing changes', () => {
  const before = snapshotRepoState(repo);
  for (const args of [['root', 'ls', 'root-x', '/'], ['root', 'cat', 'root-x', '/etc/motd']]) {
    const result = toRunResult(spawnSync('setpriv', [`--reuid=${USER}`, `--regid=${USER}`, '--clear-groups', hacktreeCommand, ...args, '--repo', repo], {
      encoding: 'utf8',
      env: { ...process.env, HACKTREE_DAEMON: '0', HACKTREE_REPO: undefined },
    }), 'hacktree');
    assertCliError(result, 'NOT_PERMITTED', [USER, join(repo, 'refs/heads/root-x'), 'permission denied']);
    assert.doesNotMatch(result.stderr, /INTERNAL/);
    assert.match(result.stderr, /hint: run it as root; a member of the daemon's group/);
  }
  assertRepoUnchanged(before, snapshotRepoState(repo));
});
