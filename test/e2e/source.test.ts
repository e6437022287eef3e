import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchSources } from '../../src/builder/sources/fetchSources.js';
import { loadRecipeSet } from '../../src/builder/recipes/loadRecipeSet.js';
import { unpackSources } from '../../src/builder/sources/unpackSources.js';
import { assertCliError } from '../helpers/assertCliError.js';
import { makeTempDir, runHacktree, type RunResult } from '../helpers/cli.js';
import { startHttpServer } from '../helpers/httpServer.js';
import { spawnHacktree } from '../helpers/spawnHacktree.js';
import { makeRecipeWorkspace, write, writeSourceTarball } from '../helpers/recipeWorkspace.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState, type RepoState } from '../helpers/repoState.js';
import { fingerprintDifferences, treeFingerprint } from '../helpers/treeFingerprint.js';

// A builder workspace whose liba has a .gitignore that names files of its own tarball, and two
// patches: a git format-patch one and a plain diff. `hacktree source` runs with a HOME that has
// no git identity, and a repository that it must never touch.
let tmp: string;
let workspace: string;
let repo: string;
let env: Record<string, string>;
let repoBefore: RepoState;

const GIT_PATCH = [
  'From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001',
  'From: Upstream Author <author@example.org>',
  'Date: Sun, 1 Jan 2023 00:00:00 +0000',
  'Subject: [PATCH 1/2] liba: answer 43',
  '',
  'The answer changed.',
  '---',
  ' a.c | 2 +-',
  '',
  'diff --git a/a.c b/a.c',
  '--- a/a.c',
  '+++ b/a.c',
  '@@ -1,2 +1,2 @@',
  ' #include "a.h"',
  '-int liba_answer(void) { return 42; }',
  '+int liba_answer(void) { return 43; }',
  '',
].join('\n');
const PLAIN_PATCH = '--- a/a.h\n+++ b/a.h\n@@ -1 +1,2 @@\n int liba_answer(void);\n+/* patched */\n';
const BAD_PATCH = '--- a/a.c\n+++ b/a.c\n@@ -1 +1 @@\n-int not_what_is_there;\n+int x;\n';

before(() => {
  tmp = makeTempDir('hacktree-e2e-source');
  workspace = makeRecipeWorkspace(join(tmp, 'ws'));
  writeSourceTarball(workspace, 'liba-1.0', {
    'configure': '#!/bin/sh\nsed "s|@prefix@|/usr|" Makefile.in > Makefile\n',
    'Makefile.in': 'all:\n',
    '.gitignore': 'configure\n*.o\n',
    'stale.o': 'upstream shipped this object\n',
    'a.h': 'int liba_answer(void);\n',
    'a.c': '#include "a.h"\nint liba_answer(void) { return 42; }\n',
  });
  write(workspace, 'recipes/liba_1.0.bb', 'LICENSE = "MIT"\nSRC_URI = "file://liba-${PV}.tar.gz file://0001-liba-answer-43.patch file://header.diff"\n');
  write(workspace, 'recipes/liba/0001-liba-answer-43.patch', GIT_PATCH);
  write(workspace, 'recipes/liba/header.diff', PLAIN_PATCH);
  // The first patch applies, the second does not: the failure comes after git init and a commit or two.
  write(workspace, 'recipes/broken_1.0.bb', 'LICENSE = "MIT"\nSRC_URI = "file://liba-1.0.tar.gz file://header.diff file://bad.patch"\nS = "${WORKDIR}/liba-1.0"\n');
  write(workspace, 'recipes/broken/header.diff', PLAIN_PATCH);
  write(workspace, 'recipes/broken/bad.patch', BAD_PATCH);
  const home = join(tmp, 'home');
  mkdirSync(home);
  repo = join(tmp, 'repo');
  env = { HACKTREE_SOURCE_CACHE: join(tmp, 'sources'), HACKTREE_REPO: repo, HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
  assert.equal(runHacktree(['init'], { env }).status, 0);
  repoBefore = snapshotRepoState(repo);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function hacktree(args: string[], cwd = tmp): RunResult {
  return runHacktree(args, { env, cwd });
}

function git(dir: string, ...args: string[]): string {
  const result = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8', env: { ...process.env, HOME: env.HOME! } });
  assert.equal(result.status, 0, `git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** What `hacktree build` unpacks and patches, through the same functions, into a fresh work directory. */
async function builtSourceTree(recipeName: string): Promise<Map<string, string>> {
  const set = await loadRecipeSet(workspace, { env: {} });
  const recipe = set.recipes.get(recipeName)!;
  const workdir = mkdtempSync(join(tmp, 'workdir-'));
  try {
    const fetched = await fetchSources({ recipe, sourceCache: env.HACKTREE_SOURCE_CACHE! });
    const { sourceDir } = await unpackSources({ recipe, fetched, workdir });
    return treeFingerprint(sourceDir);
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}

/** A work tree's files without its .git. */
function workTreeFingerprint(dir: string): Map<string, string> {
  return new Map([...treeFingerprint(dir)].filter(([path]) => path !== '.git' && !path.startsWith('.git/')));
}

/** Anything `hacktree source` may leave beside DIR: its hidden work directories. */
function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.includes('.hacktree-source-'));
}

interface SourceResult {
  recipe: string;
  version: string;
  dir: string;
  commits: Array<{ commit: string; subject: string; patch?: string }>;
  tag: string;
}

test('source puts the recipe\'s unpacked and patched source in ./PN (beside the caller, not the workspace) as a git tree, one commit per patch', async () => {
  const result = hacktree(['source', 'liba', '-C', workspace, '--json']);
  assert.equal(result.status, 0, result.stderr);
  const json = JSON.parse(result.stdout) as SourceResult;
  const dir = join(tmp, 'liba');
  assert.equal(json.dir, dir);
  assert.equal(json.recipe, 'liba');
  assert.equal(json.version, '1.0');
  assert.equal(json.tag, 'hacktree-recipe');
  assert.deepEqual(json.commits.map((c) => [c.subject, c.patch]), [
    ['hacktree source: liba 1.0 as unpacked from SRC_URI', undefined],
    ['liba: answer 43', '0001-liba-answer-43.patch'],
    ['header.diff', 'header.diff'],
  ]);
  assert.ok(!existsSync(join(workspace, 'liba')), 'DIR is relative to the current directory, not to -C');

  const differences = fingerprintDifferences(workTreeFingerprint(dir), await builtSourceTree('liba'));
  assert.deepEqual(differences, [], 'the tree is what the build unpacks and patches, modes included');

  assert.equal(git(dir, 'rev-list', 'HEAD').trim().split('\n').reverse().join(' '), json.commits.map((c) => c.commit).join(' '));
  assert.equal(git(dir, 'rev-parse', 'hacktree-recipe^{commit}').trim(), json.commits[2]!.commit);
  assert.equal(git(dir, 'status', '--porcelain', '--ignored'), '', 'clean, even for the files upstream\'s .gitignore names');
  assert.match(git(dir, 'ls-files', '-s', 'configure', 'stale.o'), /^100755 \S+ 0\tconfigure\n100644 \S+ 0\tstale\.o\n$/);
  assert.equal(git(dir, 'show', '--name-only', '--format=', 'HEAD~1'), 'a.c\n', 'the git patch\'s commit changes what it patches');
  assert.equal(git(dir, 'log', '-1', '--format=%B', 'HEAD~1').trim(), 'liba: answer 43\n\nThe answer changed.');
  assert.equal(git(dir, 'log', '-1', '--format=%an <%ae>', 'HEAD'), 'hacktree <hacktree@localhost>\n', 'works without a git identity');
  assert.match(readFileSync(join(dir, 'a.c'), 'utf8'), /return 43;/);
  assert.deepEqual(leftovers(tmp), []);

  assert.equal(git(dir, 'diff', 'hacktree-recipe'), '');
  writeFileSync(join(dir, 'a.c'), '#include "a.h"\nint liba_answer(void) { return 44; }\n');
  const diff = git(dir, 'diff', 'hacktree-recipe');
  assert.match(diff, /^-int liba_answer\(void\) \{ return 43; \}$/m);
  assert.match(diff, /^\+int liba_answer\(void\) \{ return 44; \}$/m);
});

test('without --json it says where the tree is and what to run next; DIR may be an empty directory or need parents', () => {
  mkdirSync(join(tmp, 'empty'));
  const intoEmpty = hacktree(['source', 'progb', 'empty', '-C', workspace]);
  assert.equal(intoEmpty.status, 0, intoEmpty.stderr);
  assert.match(intoEmpty.stdout, /^progb 1\.0: source in .*\/empty, 1 commit\(s\), tag hacktree-recipe$/m);
  assert.match(intoEmpty.stdout, /^next: cd empty && HACKTREE_ROOT=\S+ hacktree make debug$/m);
  assert.match(intoEmpty.stdout, /git diff hacktree-recipe/);
  assert.ok(existsSync(join(tmp, 'empty/b.c')));
  // `make` there builds the recipe's component, and its output is no part of the source.
  assert.equal(git(join(tmp, 'empty'), 'config', '--get', 'hacktree.recipe'), 'progb\n');
  mkdirSync(join(tmp, 'empty/hacktree-out'));
  writeFileSync(join(tmp, 'empty/hacktree-out/x.log'), 'log\n');
  assert.equal(git(join(tmp, 'empty'), 'status', '--porcelain'), '');

  const nested = hacktree(['source', 'progb', 'deep/er/progb'], workspace);
  assert.equal(nested.status, 0, nested.stderr);
  assert.equal(git(join(workspace, 'deep/er/progb'), 'status', '--porcelain'), '');
});

test('a remote source (served locally) is fetched, verified and committed like a local one', async () => {
  const served = join(tmp, 'served');
  mkdirSync(served, { recursive: true });
  cpSync(join(workspace, 'recipes/files/progb-1.0.tar.gz'), join(served, 'progb-1.0.tar.gz'));
  const sum = createHash('sha256').update(readFileSync(join(served, 'progb-1.0.tar.gz'))).digest('hex');
  const server = await startHttpServer(served);
  const ws = makeRecipeWorkspace(join(tmp, 'remote-ws'));
  try {
    write(ws, 'recipes/progb_1.0.bb', `LICENSE = "MIT"\nSRC_URI = "${server.url}/progb-\${PV}.tar.gz"\nSRC_URI[sha256sum] = "${sum}"\n`);
    // Run without blocking: the server answers from this process.
    const result = await spawnHacktree(['source', 'progb', 'remote-progb', '-C', ws, '--json'], { env, cwd: tmp });
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as SourceResult;
    assert.equal(json.commits.length, 1);
    assert.equal(server.requestCount('/progb-1.0.tar.gz'), 1);
    assert.match(git(json.dir, 'log', '-1', '--format=%B'), new RegExp(`progb-1\\.0\\.tar\\.gz sha256:${sum}`));

    write(ws, 'recipes/progb_1.0.bb', `LICENSE = "MIT"\nSRC_URI = "${server.url}/progb-\${PV}.tar.gz"\nSRC_URI[sha256sum] = "${'0'.repeat(64)}"\n`);
    assertCliError(await spawnHacktree(['source', 'progb', 'mismatch', '-C', ws], { env, cwd: tmp }), 'CHECKSUM_MISMATCH', ['progb-1.0.tar.gz']);
    assert.ok(!existsSync(join(tmp, 'mismatch')), 'a verify failure leaves no DIR');
  } finally {
    await server.close();
  }
});

test('bad input is a clear error that leaves nothing behind, and no command here changed the repository', () => {
  const existing = git(join(tmp, 'liba'), 'rev-parse', 'HEAD');

  const taken = hacktree(['source', 'liba', '-C', workspace]);
  assertCliError(taken, 'DEST_NOT_EMPTY', [join(tmp, 'liba')]);
  assert.equal(git(join(tmp, 'liba'), 'rev-parse', 'HEAD'), existing, 'the existing tree is untouched');
  writeFileSync(join(tmp, 'a-file'), 'x');
  assertCliError(hacktree(['source', 'liba', 'a-file', '-C', workspace]), 'DEST_NOT_EMPTY', ['a-file']);

  const unknown = hacktree(['source', 'libz', '-C', workspace]);
  assertCliError(unknown, 'RECIPE_NOT_FOUND', ['"libz"']);
  assert.match(unknown.stderr, /hint: did you mean "liba"/);
  assert.ok(!existsSync(join(tmp, 'libz')));

  write(workspace, 'recipes/offline_1.0.bb', `LICENSE = "MIT"\nSRC_URI = "http://127.0.0.1:1/offline-1.0.tar.gz"\nSRC_URI[sha256sum] = "${'1'.repeat(64)}"\n`);
  assertCliError(hacktree(['source', 'offline', 'new/offline', '-C', workspace]), 'FETCH_FAILED', ['offline-1.0.tar.gz']);
  assert.ok(!existsSync(join(tmp, 'new')), 'a fetch failure makes nothing, parents included');

  // Half-way: S is a git repository with commits when the second patch fails.
  assertCliError(hacktree(['source', 'broken', 'half/way/broken', '-C', workspace]), 'PATCH_FAILED', ['bad.patch']);
  assert.ok(!existsSync(join(tmp, 'half')), 'a patch failure removes DIR and the parents it made');

  assertCliError(hacktree(['source', 'liba', 'a-file/below', '-C', workspace]), 'PATH_OCCUPIED', ['a-file/below']);
  assertCliError(hacktree(['source', 'liba', '-C', join(tmp, 'nowhere')]), 'WORKSPACE_INVALID', ['nowhere']);

  assert.deepEqual(leftovers(tmp), []);
  assertRepoUnchanged(repoBefore, snapshotRepoState(repo));
  assertFsckClean(repo);
});
