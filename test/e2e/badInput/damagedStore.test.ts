import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { assertCliError } from '../../helpers/assertCliError.js';
import { hacktreeCommand, makeTempDir, runHacktree, type RunResult } from '../../helpers/cli.js';
import { assertFsckClean } from '../../helpers/repoState.js';
import { freshSeededRepo, makeSeededRepo, type SeededRepo } from '../../helpers/seededRepo.js';
import { gitDir } from '../../helpers/gitDir.js';

// A repository whose files were replaced by something else (an object or cache file by a
// directory or fifo, hacktree/raw by a file or by nothing, its config unreadable) gets a clear
// error naming the damaged path, never INTERNAL and never a hang; fsck names the damage and
// --repair rebuilds what is derived data.

let tmp: string;
let seed: SeededRepo;
before(() => {
  tmp = makeTempDir('hacktree-e2e-damaged-store');
  seed = makeSeededRepo(tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const revParse = (repo: string, rev: string): string => gitDir(repo, 'rev-parse', '--verify', rev);

const loosePath = (repo: string, oid: string) => join(repo, 'objects', oid.slice(0, 2), oid.slice(2));

function rawPathOf(repo: string, oid: string): string {
  const fan = join(repo, 'hacktree', 'raw', oid.slice(0, 2));
  const name = readdirSync(fan).find((n) => n.startsWith(`${oid.slice(2)}.`));
  assert.ok(name, `a raw entry for ${oid}`);
  return join(fan, name);
}

function assertNoInternal(run: RunResult): void {
  assert.doesNotMatch(run.stdout + run.stderr, /INTERNAL/, run.stdout + run.stderr);
}

function ok(run: RunResult, what: string): void {
  assert.equal(run.status, 0, `${what}: ${run.stdout}${run.stderr}`);
}

const replacements: Array<{ what: string; replace: (path: string) => void }> = [
  { what: 'a directory', replace: (path) => { rmSync(path, { force: true }); mkdirSync(join(path, 'inside'), { recursive: true }); } },
  { what: 'a fifo', replace: (path) => { rmSync(path, { force: true }); spawnSync('mkfifo', [path]); } },
];

for (const { what, replace } of replacements) {
  test(`a loose blob replaced by ${what}: fsck names it without hanging, reading it is OBJECT_CORRUPT, --repair restores it from the raw cache`, (t) => {
    const { repo } = freshSeededRepo(seed, 'hacktree-e2e-object-replaced', t);
    const blob = revParse(repo, 'base:files/README');
    replace(loosePath(repo, blob));

    const fsck = runHacktree(['fsck'], { repo });
    assertCliError(fsck, 'FSCK_FAILED');
    assert.match(fsck.stdout, new RegExp(`^object-corrupt\\t${loosePath(repo, blob)}\\t.*it is ${what}, not a file`, 'm'), fsck.stdout);
    const cat = runHacktree(['root', 'cat', 'base', 'README'], { repo });
    assertCliError(cat, 'OBJECT_CORRUPT', [blob]);
    assert.match(cat.stderr, new RegExp(`is ${what}, not a file`));

    ok(runHacktree(['fsck', '--repair'], { repo }), 'fsck --repair');
    assertFsckClean(repo);
    assert.equal(runHacktree(['root', 'cat', 'base', 'README'], { repo }).stdout, 'seed\n');
  });

  test(`the top tree replaced by ${what}: checkout and root ls are OBJECT_CORRUPT naming it, fsck names it`, (t) => {
    const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-tree-replaced', t);
    const tree = revParse(repo, 'base^{tree}');
    replace(loosePath(repo, tree));
    const dest = join(dir, 'dest');
    for (const args of [['checkout', 'base', dest], ['root', 'ls', 'base']]) {
      const run = runHacktree(args, { repo });
      assertCliError(run, 'OBJECT_CORRUPT', [tree]);
    }
    assert.ok(!existsSync(dest));
    assert.deepEqual(readdirSync(dir), ['repo'], 'no staging directory is left');
    const fsck = runHacktree(['fsck'], { repo });
    assertCliError(fsck, 'FSCK_FAILED');
    assert.match(fsck.stdout, new RegExp(`^object-corrupt\\t${loosePath(repo, tree)}\\t`, 'm'), fsck.stdout);
  });
}

test('a raw cache file replaced by a directory: fsck names it; a checkout rewrites it from git and says so', (t) => {
  const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-raw-replaced', t);
  const raw = rawPathOf(repo, revParse(repo, 'base:files/README'));
  rmSync(raw);
  mkdirSync(join(raw, 'inside'), { recursive: true });
  const fsck = runHacktree(['fsck'], { repo });
  assertCliError(fsck, 'FSCK_FAILED');
  assert.match(fsck.stdout, new RegExp(`^raw-corrupt\\t${raw}\\tit is a directory`, 'm'));
  const checkout = runHacktree(['checkout', 'base', join(dir, 'dest')], { repo });
  ok(checkout, 'checkout');
  assert.match(checkout.stderr, /warning: raw cache entry .* was damaged \(it is a directory/);
  assertNoInternal(checkout);
  assertFsckClean(repo);
});

test('a fan-out directory of the raw cache, or hacktree/tmp, replaced by a file: REPO_DAMAGED naming it where it is needed, fsck names it, --repair makes it again', (t) => {
  const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-fan-file', t);
  const fan = dirname(rawPathOf(repo, revParse(repo, 'base:files/README')));
  rmSync(fan, { recursive: true });
  writeFileSync(fan, 'not a directory\n');
  const tmpDir = join(repo, 'hacktree', 'tmp');
  rmSync(tmpDir, { recursive: true });
  writeFileSync(tmpDir, 'not a directory\n');

  const dest = join(dir, 'dest');
  for (const flags of [[], ['--copy']]) {
    assertCliError(runHacktree(['checkout', 'base', dest, ...flags], { repo }), 'REPO_DAMAGED', [fan]);
    assert.ok(!existsSync(dest));
  }
  const newTree = join(dir, 'new-tree');
  mkdirSync(newTree);
  writeFileSync(join(newTree, 'new'), 'never stored before\n');
  assertCliError(runHacktree(['root', 'commit', 'next', '--tree', `dir=${newTree}`], { repo }), 'REPO_DAMAGED', [tmpDir]);

  const fsck = runHacktree(['fsck'], { repo });
  assertCliError(fsck, 'FSCK_FAILED');
  assertNoInternal(fsck);
  assert.match(fsck.stdout, new RegExp(`^raw-unexpected\\t${fan}\\tthis fan-out directory of the raw cache is a file`, 'm'), fsck.stdout);
  assert.match(fsck.stdout, new RegExp(`^raw-unexpected\\t${tmpDir}\\tthe staging directory hacktree/tmp is a file`, 'm'), fsck.stdout);
  ok(runHacktree(['fsck', '--repair'], { repo }), 'fsck --repair');
  assertFsckClean(repo);
  ok(runHacktree(['checkout', 'base', dest], { repo }), 'checkout after the repair');
  ok(runHacktree(['root', 'commit', 'next', '--tree', `dir=${newTree}`], { repo }), 'root commit after the repair');
});

test('hacktree/raw deleted: the repository still works, fsck says the cache is missing, --repair rebuilds it', (t) => {
  const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-rawdir-deleted', t);
  const rawDir = join(repo, 'hacktree', 'raw');
  rmSync(rawDir, { recursive: true });

  const fsck = runHacktree(['fsck'], { repo });
  assertCliError(fsck, 'FSCK_FAILED');
  assert.match(fsck.stdout, new RegExp(`^raw-missing\\t${rawDir}\\tthe raw object cache directory is missing`, 'm'));
  ok(runHacktree(['fsck', '--repair'], { repo }), 'fsck --repair');
  assertFsckClean(repo);

  // Deleted again: commands rebuild what they need as they go.
  rmSync(rawDir, { recursive: true });
  ok(runHacktree(['root', 'ls', 'base'], { repo }), 'root ls');
  ok(runHacktree(['checkout', 'base', join(dir, 'linked')], { repo }), 'checkout');
  rmSync(rawDir, { recursive: true });
  ok(runHacktree(['checkout', 'base', join(dir, 'copied'), '--copy'], { repo }), 'checkout --copy');
  rmSync(rawDir, { recursive: true });
  ok(runHacktree(['artifact', 'import', seed.goodArtifact], { repo }), 'artifact import');
  ok(runHacktree(['root', 'commit', 'next', '--tree', `dir=${seed.goodDir}`], { repo }), 'root commit');
  ok(runHacktree(['fsck', '--repair'], { repo }), 'fsck --repair');
  assertFsckClean(repo);
});

test('hacktree/statcache files replaced by directories or fifos, or the whole folder by a file: commands work and fsck is clean', (t) => {
  const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-statcache', t);
  const statcache = join(repo, 'hacktree', 'statcache');
  const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)]));
  const cached = files(statcache);
  assert.ok(cached.length >= 2, 'the seeded repository has cache files');
  cached.forEach((path, i) => {
    unlinkSync(path);
    if (i % 2 === 0) mkdirSync(path);
    else spawnSync('mkfifo', [path]);
  });
  const commands = (n: number): string[][] => [
    ['root', 'commit', `again-${n}`, '--tree', `dir=${seed.goodDir}`],
    ['root', 'ls', 'base'],
    ['checkout', 'base', join(dir, `dest-${n}`)],
    ['artifact', 'import', seed.goodArtifact],
  ];
  for (const args of commands(1)) ok(runHacktree(args, { repo }), args.join(' '));
  assertFsckClean(repo);

  rmSync(statcache, { recursive: true });
  writeFileSync(statcache, 'not a directory\n');
  for (const args of commands(2)) ok(runHacktree(args, { repo }), args.join(' '));
  assertFsckClean(repo);
});

test('a repository whose config cannot be read says so (NOT_PERMITTED, REPO_UNREADABLE), not "not a hacktree repository"', (t) => {
  const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-unreadable', t);
  // Another user, who may not enter the repository (hacktree init makes it 0700).
  chmodSync(dir, 0o755);
  const asNobody = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', hacktreeCommand, 'root', 'list', '--repo', repo], { encoding: 'utf8' });
  const run = { status: asNobody.status ?? -1, stdout: asNobody.stdout, stderr: asNobody.stderr };
  assertCliError(run, 'NOT_PERMITTED', [join(repo, 'config')]);
  assert.doesNotMatch(run.stderr, /not a hacktree repository/);

  // A config that is a symlink loop: ELOOP, said as it is.
  renameSync(join(repo, 'config'), join(repo, 'config.real'));
  symlinkSync('config', join(repo, 'config'));
  const loop = runHacktree(['root', 'list'], { repo });
  assertCliError(loop, 'REPO_UNREADABLE', [join(repo, 'config')]);
  assert.match(loop.stderr, /ELOOP|symbolic links/);
  unlinkSync(join(repo, 'config'));
  renameSync(join(repo, 'config.real'), join(repo, 'config'));
  assertFsckClean(repo);
});
