import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureW1 } from '../fixtures/w1.js';
import { assertCliError } from '../helpers/assertCliError.js';
import { makeTempDir, runHacktree, type RunResult } from '../helpers/cli.js';
import { startHttpServer, type TestHttpServer } from '../helpers/httpServer.js';
import { spawnHacktree } from '../helpers/spawnHacktree.js';
import { makeRecipeWorkspace, write, writeSourceTarball } from '../helpers/recipeWorkspace.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';
import { listTree, sha256Of } from '../helpers/sourceFixtures.js';

// One repository and workspace shared by the tests below, which run in order: liba (MIT, its
// tarball served over HTTP, a local patch, a COPYING it installs) and progb (GPLv3+, an old name)
// are built, composed, listed with their licenses and their sources written out.
let tmp: string;
let repo: string;
let workspace: string;
let server: TestHttpServer;
let serverOpen = false;
let env: Record<string, string>;
let tarballSha: string;
const ROOT = '1.0-runtime-opt-x86_64';
const COPYING = 'Permission is hereby granted, free of charge, to any person obtaining a copy.\n';

before(async () => {
  tmp = makeTempDir('hacktree-e2e-licenses');
  repo = join(tmp, 'repo');
  env = { HACKTREE_SOURCE_CACHE: join(tmp, 'sources'), HACKTREE_PREFIX: join(tmp, 'prefix'), HACKTREE_CACHE: '', HACKTREE_REPO: repo };
  assert.equal(runHacktree(['init'], { env }).status, 0);
  assert.equal(runHacktree(['bootstrap', '--from', ensureW1().rootfs, '--name', 'debian-bookworm-x86_64'], { env }).status, 0);
  workspace = makeRecipeWorkspace(join(tmp, 'ws'));
  writeSourceTarball(workspace, 'liba-1.0', {
    configure: '#!/bin/sh\nsed "s|@prefix@|/usr|" Makefile.in > Makefile\n',
    'Makefile.in': [
      'prefix = @prefix@',
      'all:',
      '\tgcc $(CFLAGS) -fPIC -shared -Wl,-soname,liba.so.1 -o liba.so.1 a.c',
      'install: all',
      '\tinstall -D -m 0644 a.h $(DESTDIR)$(prefix)/include/a.h',
      '\tinstall -D -m 0755 liba.so.1 $(DESTDIR)$(prefix)/lib/liba.so.1',
      '\tln -sf liba.so.1 $(DESTDIR)$(prefix)/lib/liba.so',
      '\tinstall -D -m 0644 COPYING $(DESTDIR)$(prefix)/share/doc/liba/COPYING',
      '',
    ].join('\n'),
    'a.h': 'int liba_answer(void);\n',
    'a.c': '#include "a.h"\nint liba_answer(void) { return 42; }\n',
    COPYING,
  });
  const served = join(tmp, 'served');
  mkdirSync(served);
  cpSync(join(workspace, 'recipes/files/liba-1.0.tar.gz'), join(served, 'liba-1.0.tar.gz'));
  rmSync(join(workspace, 'recipes/files/liba-1.0.tar.gz'));
  tarballSha = sha256Of(join(served, 'liba-1.0.tar.gz'));
  server = await startHttpServer(served);
  serverOpen = true;
  write(workspace, 'recipes/liba/0001-answer-43.patch', '--- a/a.c\n+++ b/a.c\n@@ -1,2 +1,2 @@\n #include "a.h"\n-int liba_answer(void) { return 42; }\n+int liba_answer(void) { return 43; }\n');
  write(workspace, 'recipes/liba_1.0.bb', [
    'SUMMARY = "The answer, as a shared library"',
    'LICENSE = "MIT"',
    `LIC_FILES_CHKSUM = "file://COPYING;md5=${createHash('md5').update(COPYING).digest('hex')}"`,
    `SRC_URI = "${server.url}/liba-\${PV}.tar.gz file://0001-answer-43.patch"`,
    `SRC_URI[sha256sum] = "${tarballSha}"`,
    '',
  ].join('\n'));
  const progb = join(workspace, 'recipes/progb_1.0.bb');
  writeFileSync(progb, readFileSync(progb, 'utf8').replace('LICENSE = "MIT"', 'LICENSE = "GPLv3+"'));
  setRefuse(['GPL-3.0-only']);
});
after(async () => {
  if (serverOpen) await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Spawned, not run synchronously: the test's own HTTP server must go on answering meanwhile. */
function hacktree(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  return spawnHacktree(args, { env: { ...env, ...options.env }, cwd: options.cwd ?? workspace });
}

async function ok(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  const result = await hacktree(args, options);
  assert.equal(result.status, 0, `hacktree ${args.join(' ')}:\n${result.stderr}`);
  return result;
}

function setRefuse(refuse: string[]): void {
  write(workspace, 'roots/1.0.json', JSON.stringify({ version: '1.0', arches: ['x86_64'], runtime: ['liba', 'progb'], base: 'debian-bookworm', refuse }, null, 2) + '\n');
}

function setLicense(recipe: string, license: string): void {
  const file = join(workspace, 'recipes', `${recipe}_1.0.bb`);
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^LICENSE = ".*"$/m, `LICENSE = "${license}"`));
}

/** Every file under a directory, for "nothing was written" comparisons. */
function files(dir: string): string[] {
  return existsSync(dir) ? listTree(dir) : [];
}

test('build and fetch check every LICENSE first: an invalid one names file:line, and nothing is fetched, built or written', async () => {
  write(workspace, 'recipes/bad_1.0.bb', 'SUMMARY = "bad"\nLICENSE = "GPL-2.0-only AND"\n');
  const state = snapshotRepoState(repo);
  for (const args of [['build', '--flavor', 'opt'], ['fetch']]) {
    const result = await hacktree(args);
    assertCliError(result, 'LICENSE_INVALID', ['recipes/bad_1.0.bb:2', 'GPL-2.0-only AND']);
    assert.doesNotMatch(result.stderr, /warning/, 'the warnings of other recipes wait until nothing is invalid');
  }
  assert.deepEqual(files(join(workspace, 'artifacts')), [], 'nothing built');
  assert.deepEqual(files(env.HACKTREE_SOURCE_CACHE!), [], 'nothing fetched');
  assert.equal(server.requestCount(), 0);
  assertRepoUnchanged(state, snapshotRepoState(repo));
  rmSync(join(workspace, 'recipes/bad_1.0.bb'));
});

test("an old OpenEmbedded name builds, with one warning per recipe on stderr; recipe show gives the SPDX expression", async () => {
  const dry = await ok(['build', '-n']);
  const warnings = dry.stderr.split('\n').filter((line) => line.startsWith('hacktree: warning: '));
  assert.deepEqual(warnings, [`hacktree: warning: ${join(workspace, 'recipes/progb_1.0.bb')}:2: GPLv3+ is GPL-3.0-or-later in SPDX`], 'once, though both flavors are planned');
  assert.match(dry.stdout, /^build +progb 1\.0-opt-x86_64 opt/m);
  assert.match(dry.stdout, /^build +progb 1\.0-debug-x86_64 debug/m);
  assert.equal((await ok(['build', '-n', '-q'])).stderr, '', '-q silences warnings');
  const show = await ok(['recipe', 'show', 'progb']);
  assert.ok(show.stdout.split('\n').includes('LICENSE:      GPL-3.0-or-later (written GPLv3+)'), show.stdout);
  const json = JSON.parse((await ok(['recipe', 'show', 'liba', '--json'])).stdout) as { license: { expression: string; ids: string[] } };
  assert.deepEqual(json.license, { expression: 'MIT', ids: ['MIT'], warnings: [] });
  await ok(['build', '--flavor', 'opt']);
});

test('root compose: refusing GPL-3.0-only accepts GPL-3.0-or-later; root licenses lists each component with its license and license files', async () => {
  await ok(['root', 'compose', ROOT]);
  const text = (await ok(['root', 'licenses', ROOT])).stdout;
  assert.match(text, /^liba 1\.0 +MIT$/m);
  assert.match(text, /^ {2}COPYING -> \/usr\/share\/doc\/liba\/COPYING$/m);
  assert.match(text, /^progb 1\.0 +GPL-3\.0-or-later$/m);
  assert.match(text, /^base\/debian-bookworm-x86_64 +\(base root/m);
  const json = JSON.parse((await ok(['root', 'licenses', ROOT, '--json'])).stdout) as {
    components: Array<{ name: string; license: string; licenseIds: string[]; licenseFiles: Array<{ path: string; md5: string; inRoot: string[] }> }>;
  };
  assert.deepEqual(json.components.map((c) => [c.name, c.license, c.licenseIds]), [['liba', 'MIT', ['MIT']], ['progb', 'GPL-3.0-or-later', ['GPL-3.0-or-later']]]);
  assert.deepEqual(json.components[0]!.licenseFiles, [{ path: 'COPYING', md5: createHash('md5').update(COPYING).digest('hex'), beginLine: null, endLine: null, inRoot: ['/usr/share/doc/liba/COPYING'] }]);
  assert.equal((await ok(['root', 'cat', ROOT, '/usr/share/doc/liba/COPYING'])).stdout, COPYING);
});

test('a refused license stops root compose, naming the component and the license; no ref moves; A OR B is accepted under B', async () => {
  const state = snapshotRepoState(repo);
  setRefuse(['GPL-3.0-or-later', 'AGPL-3.0-only']);
  const refused = await hacktree(['root', 'compose', ROOT]);
  assertCliError(refused, 'LICENSE_REFUSED', ['progb', 'GPL-3.0-or-later', 'roots/1.0.json']);
  assert.doesNotMatch(refused.stderr, /liba/, 'only the refused component is named');
  assertRepoUnchanged(state, snapshotRepoState(repo));
  assertFsckClean(repo);

  setLicense('progb', 'GPL-3.0-or-later AND Zlib');
  assertCliError(await hacktree(['root', 'compose', ROOT]), 'LICENSE_REFUSED', ['progb', 'GPL-3.0-or-later AND Zlib']);
  setLicense('progb', 'GPL-3.0-or-later OR MIT');
  await ok(['root', 'compose', ROOT]);

  setRefuse(['GPLv3']);
  assertCliError(await hacktree(['root', 'compose', ROOT]), 'ROOT_DEFINITION_INVALID', ['"GPLv3"', 'GPL-3.0-only']);
  setLicense('progb', 'GPLv3+');
  setRefuse(['GPL-3.0-only']);

  // A recipe of another version than the artifacts says nothing about their license.
  const composed = snapshotRepoState(repo);
  write(workspace, 'recipes/liba_1.1.bb', readFileSync(join(workspace, 'recipes/liba_1.0.bb'), 'utf8'));
  assertCliError(await hacktree(['root', 'compose', ROOT]), 'RECIPE_NOT_FOUND', ['liba', 'version 1.0', 'liba_1.1.bb is 1.1']);
  rmSync(join(workspace, 'recipes/liba_1.1.bb'));
  assertRepoUnchanged(composed, snapshotRepoState(repo));
  assertFsckClean(repo);
});

test('root sources writes every tarball, patch and recipe with their sha256 and an index, fetching what the cache lacks', async () => {
  rmSync(env.HACKTREE_SOURCE_CACHE!, { recursive: true, force: true });
  const requests = server.requestCount('/liba-1.0.tar.gz');
  const dir = join(tmp, 'published/1.0');
  const result = await ok(['root', 'sources', ROOT, dir, '--json']);
  assert.equal(server.requestCount('/liba-1.0.tar.gz'), requests + 1, 'the tarball was fetched again');
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
    root: string;
    components: Array<{ name: string; version: string; license: string; files: Array<{ path: string; kind: string; url: string | null; sha256: string }> }>;
  };
  assert.deepEqual(JSON.parse(result.stdout), index);
  assert.equal(index.root, ROOT);
  const liba = index.components.find((c) => c.name === 'liba')!;
  assert.equal(liba.license, 'MIT');
  assert.deepEqual(liba.files.map((f) => [f.path, f.kind, f.url]), [
    ['downloads/liba-1.0.tar.gz', 'source', `${server.url}/liba-1.0.tar.gz`],
    ['recipes/liba-1.0/0001-answer-43.patch', 'patch', 'file://0001-answer-43.patch'],
    ['recipes/liba_1.0.bb', 'recipe', null],
  ]);
  assert.equal(liba.files[0]!.sha256, tarballSha, 'the sha256 the recipe declares');
  assert.equal(liba.files[1]!.sha256, sha256Of(join(workspace, 'recipes/liba/0001-answer-43.patch')));
  for (const component of index.components) {
    for (const file of component.files) assert.equal(sha256Of(join(dir, file.path)), file.sha256, file.path);
  }
  assert.deepEqual(index.components.map((c) => [c.name, c.license]), [['liba', 'MIT'], ['progb', 'GPL-3.0-or-later']]);
  const sources = readFileSync(join(dir, 'SOURCES.md'), 'utf8');
  assert.match(sources, /^## progb 1\.0$/m);
  assert.match(sources, new RegExp(`^ {2}sha256 ${tarballSha}$`, 'm'));
  assert.match(sources, new RegExp(`^ {2}from ${server.url.replace(/\./g, '\\.')}/liba-1\\.0\\.tar\\.gz$`, 'm'));
  assert.deepEqual(readdirSync(dirname(dir)), ['1.0'], 'no temporary directory left beside it');

  const before = listTree(dir);
  assertCliError(await hacktree(['root', 'sources', ROOT, dir]), 'DEST_NOT_EMPTY', [dir]);
  assert.deepEqual(listTree(dir), before);
});

test('a source that cannot be fetched fails root sources with the URL, and leaves no DIR and nothing beside it', async () => {
  rmSync(env.HACKTREE_SOURCE_CACHE!, { recursive: true, force: true });
  const parent = join(tmp, 'unfinished');
  const state = snapshotRepoState(repo);
  server.misbehave('/liba-1.0.tar.gz', { status: 404 });
  try {
    const result = await hacktree(['root', 'sources', ROOT, join(parent, 'out')]);
    assertCliError(result, 'FETCH_FAILED', [`${server.url}/liba-1.0.tar.gz`]);
  } finally {
    server.clear();
  }
  assert.equal(existsSync(parent), false, `${parent} (made for DIR) is gone again`);
  mkdirSync(parent);
  server.misbehave('/liba-1.0.tar.gz', { status: 404 });
  try {
    assertCliError(await hacktree(['root', 'sources', ROOT, join(parent, 'out')]), 'FETCH_FAILED');
  } finally {
    server.clear();
  }
  assert.deepEqual(readdirSync(parent), [], 'no DIR and no temporary directory');
  assertRepoUnchanged(state, snapshotRepoState(repo));
  assertFsckClean(repo);
});

test('a component built again from the source directory alone, without the network, is byte for byte the same', async () => {
  const dir = join(tmp, 'published/1.0');
  await server.close();
  serverOpen = false;
  const again = join(tmp, 'ws-from-sources');
  cpSync(join(dir, 'recipes'), join(again, 'recipes'), { recursive: true });
  cpSync(join(workspace, 'roots'), join(again, 'roots'), { recursive: true });
  mkdirSync(join(again, 'artifacts'));
  const rebuilt = await ok(['build', 'liba', '--flavor', 'opt', '--json', '-C', again], {
    env: { HACKTREE_SOURCE_CACHE: join(tmp, 'fresh-sources'), HACKTREE_PREMIRRORS: `https?://.*/.* file://${join(dir, 'downloads')}/` },
  });
  assert.deepEqual((JSON.parse(rebuilt.stdout) as { outcomes: Array<{ recipe: string; result: string }> }).outcomes.map((o) => `${o.recipe} ${o.result}`), ['liba built']);
  const artifacts = (ws: string) => readdirSync(join(ws, 'artifacts')).filter((f) => f.startsWith('liba-')).sort();
  assert.equal(artifacts(again).length, 2);
  assert.deepEqual(artifacts(again), artifacts(workspace), 'the same build ids');
  for (const name of artifacts(again)) assert.equal(sha256Of(join(again, 'artifacts', name)), sha256Of(join(workspace, 'artifacts', name)), name);
  assertFsckClean(repo);
});
