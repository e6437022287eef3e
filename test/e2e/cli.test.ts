import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, runHacktree } from '../helpers/cli.js';

test('--help lists the commands', () => {
  const result = runHacktree(['--help']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^\s*hacktree init\b/m);
  assert.match(result.stdout, /--repo/);
});

test('--version prints the package version', () => {
  const result = runHacktree(['--version']);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), '0.1.0');
});

test('an unknown command is a usage error with exit status 2', () => {
  const result = runHacktree(['frobnicate']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /^hacktree: error\[USAGE\]: /m);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace without --verbose');
});

test('init creates a bare git repository that git fsck --strict accepts', (t) => {
  const tmp = makeTempDir('hacktree-e2e-cli');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const repo = join(tmp, 'repo');

  const result = runHacktree(['init'], { repo });
  assert.equal(result.status, 0, result.stderr);
  assert.ok(existsSync(join(repo, 'HEAD')), 'HEAD exists');
  assert.ok(existsSync(join(repo, 'hacktree', 'raw')), 'the raw object cache exists');
  assert.match(readFileSync(join(repo, 'config'), 'utf8'), /bare = true/);

  const fsck = spawnSync('git', [`--git-dir=${repo}`, 'fsck', '--strict'], { encoding: 'utf8' });
  assert.equal(fsck.status, 0, fsck.stderr);
  // An empty repository draws notices (unborn HEAD, no refs); anything else is a finding.
  assert.equal(fsck.stderr.replace(/^(Checking|notice:) .*\n/gm, ''), '', 'git fsck reports nothing wrong');

  const again = runHacktree(['init'], { repo });
  assert.equal(again.status, 0, `init of an existing repository is a no-op: ${again.stderr}`);
});

test('HACKTREE_REPO names the repository when --repo is absent', (t) => {
  const tmp = makeTempDir('hacktree-e2e-cli');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const repo = join(tmp, 'from-env');

  const result = runHacktree(['init'], { env: { HACKTREE_REPO: repo } });
  assert.equal(result.status, 0, result.stderr);
  assert.ok(existsSync(join(repo, 'hacktree', 'raw')));
});

test('init refuses a non-empty directory that is not a repository, and leaves it alone', (t) => {
  const tmp = makeTempDir('hacktree-e2e-cli');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const dir = join(tmp, 'occupied');
  mkdirSync(dir);
  writeFileSync(join(dir, 'precious'), 'keep me\n');

  const result = runHacktree(['init'], { repo: dir });
  assert.equal(result.status, 3);
  assert.match(result.stderr, /^hacktree: error\[REPO_EXISTS\]: /m);
  assert.match(result.stderr, /hint: /);
  assert.equal(readFileSync(join(dir, 'precious'), 'utf8'), 'keep me\n');
  assert.ok(!existsSync(join(dir, 'HEAD')), 'nothing was written into the directory');
});

test('init --json prints the repository as JSON', (t) => {
  const tmp = makeTempDir('hacktree-e2e-cli');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const repo = join(tmp, 'repo');

  const result = runHacktree(['init', '--json'], { repo });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { repo });
});

test('a command on a directory that is not a repository says so, and writes nothing', (t) => {
  const tmp = makeTempDir('hacktree-e2e-cli');
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const notRepo = join(tmp, 'notrepo');
  mkdirSync(notRepo);
  const dest = join(tmp, 'dest');

  const result = runHacktree(['checkout', 'x', dest], { repo: notRepo });
  assert.equal(result.status, 3);
  assert.match(result.stderr, /^hacktree: error\[NOT_A_REPO\]: /m);
  assert.match(result.stderr, /hint: .*hacktree init/);
  assert.ok(!existsSync(dest), 'no checkout directory was made');
  assert.deepEqual(readdirSync(notRepo), [], 'the directory was left empty');
});
