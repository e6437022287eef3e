import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureW1 } from '../fixtures/w1.js';
import { assertCliError } from '../helpers/assertCliError.js';
import { makeTempDir, runHacktree, type RunResult } from '../helpers/cli.js';
import { startHttpServer } from '../helpers/httpServer.js';
import { spawnHacktree } from '../helpers/spawnHacktree.js';
import { makeRecipeWorkspace, write, writeSourceTarball } from '../helpers/recipeWorkspace.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';

// One repository with the W1 rootfs as the base toolchain root, shared by the tests below, which
// run in order: each builds on what the one before left in the workspace.
let tmp: string;
let repo: string;
let workspace: string;
let env: Record<string, string>;

before(() => {
  tmp = makeTempDir('hacktree-e2e-build');
  repo = join(tmp, 'repo');
  env = { HACKTREE_SOURCE_CACHE: join(tmp, 'sources'), HACKTREE_PREFIX: join(tmp, 'prefix'), HACKTREE_CACHE: '' };
  ok(['init']);
  ok(['bootstrap', '--from', ensureW1().rootfs, '--name', 'debian-bookworm-x86_64']);
  workspace = makeRecipeWorkspace(join(tmp, 'ws'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function hacktree(args: string[], cwd = workspace): RunResult {
  // The repository comes through the environment: --repo after "root run NAME --" would go to the command.
  return runHacktree(args, { env: { ...env, HACKTREE_REPO: repo }, cwd });
}

function ok(args: string[], cwd?: string): RunResult {
  const result = hacktree(args, cwd);
  assert.equal(result.status, 0, `hacktree ${args.join(' ')}:\n${result.stderr}`);
  return result;
}

/** Artifact file name -> sha256, for every artifact in a workspace. */
function artifactSums(ws: string): Map<string, string> {
  const dir = join(ws, 'artifacts');
  return new Map(readdirSync(dir).filter((f) => f.endsWith(',.tar.gz')).sort().map((f) => [f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')]));
}

interface Outcome { recipe: string; result: string }
function built(result: RunResult): string[] {
  const json = JSON.parse(result.stdout) as { outcomes: Outcome[] };
  return json.outcomes.filter((o) => o.result === 'built').map((o) => o.recipe).sort();
}

test('a dry run on a fresh workspace plans to build every recipe, dependencies first, and writes nothing', () => {
  const result = ok(['build', '--flavor', 'opt', '--dry-run']);
  assert.match(result.stdout, /^build +liba 1\.0-opt-x86_64 opt: never built$/m);
  assert.match(result.stdout, /^build +progb 1\.0-opt-x86_64 opt: never built$/m);
  assert.ok(result.stdout.indexOf('liba') < result.stdout.indexOf('progb'), 'liba before progb, which DEPENDS on it');
  assert.deepEqual([...artifactSums(workspace).keys()], []);
});

test('build makes both artifacts of every recipe, named with their build id, and imports them', () => {
  const result = ok(['build', '--flavor', 'opt', '--json']);
  assert.deepEqual(built(result), ['liba', 'progb']);
  const names = [...artifactSums(workspace).keys()];
  assert.equal(names.length, 4, names.join('\n'));
  for (const name of names) assert.match(name, /^(liba|progb)-(runtime|devel),a=x86_64,b=opt,id=[0-9a-f]{32},o=master,r=1\.0-opt-x86_64,v=1\.0,\.tar\.gz$/);
  const imported = JSON.parse(ok(['artifact', 'list', '--json']).stdout) as Array<{ fileName: string }>;
  for (const name of names) assert.ok(imported.some((a) => a.fileName === name), `${name} is in the store`);
  assertFsckClean(repo);
});

test('the built program runs in the composed root and uses the library built from its dependency', () => {
  ok(['root', 'compose', '1.0-runtime-opt-x86_64']);
  const run = ok(['root', 'run', '1.0-runtime-opt-x86_64', '--', '/usr/bin/progb']);
  assert.equal(run.stdout, 'progb: 42\n');
  const blame = ok(['root', 'blame', '1.0-runtime-opt-x86_64', '/usr/lib/liba.so.1']).stdout;
  assert.match(blame, /liba-runtime,a=x86_64,b=opt,id=/);
  assert.match(ok(['root', 'blame', '1.0-runtime-opt-x86_64', '/etc/debian_version']).stdout, /base\/debian-bookworm-x86_64/);
});

test('a second build does nothing: every build id is cached', () => {
  const before = artifactSums(workspace);
  const result = ok(['build', '--flavor', 'opt']);
  assert.match(result.stdout, /^0 built, 0 fetched, 2 cached$/m);
  assert.deepEqual(artifactSums(workspace), before);
  assert.match(ok(['build', '--flavor', 'opt', '-n']).stdout, /^cached +progb 1\.0-opt-x86_64 opt: its artifacts are in artifacts\/$/m);
});

test('changing one recipe rebuilds exactly it and what depends on it, and --explain names the change', () => {
  const progb = join(workspace, 'recipes/progb_1.0.bb');
  writeFileSync(progb, readFileSync(progb, 'utf8').replace('--with-answer', '--with-answer=yes'));
  const dry = ok(['build', '--flavor', 'opt', '-n']).stdout;
  assert.match(dry, /^cached +liba /m);
  assert.match(dry, /^build +progb 1\.0-opt-x86_64 opt: changed: .*variable EXTRA_OECONF/m);
  const explain = ok(['build', '--flavor', 'opt', '--explain', 'progb']).stdout;
  assert.match(explain, /^ {2}changed recipe recipes\/progb_1\.0\.bb$/m);
  assert.match(explain, /^ {2}changed variable EXTRA_OECONF$/m);
  const oldProgb = [...artifactSums(workspace).keys()].filter((n) => n.startsWith('progb-'));
  assert.deepEqual(built(ok(['build', '--flavor', 'opt', '--json'])), ['progb']);
  const names = [...artifactSums(workspace).keys()];
  assert.equal(names.length, 4, `the older progb artifacts were replaced:\n${names.join('\n')}`);
  for (const old of oldProgb) assert.ok(!names.includes(old), `${old} was removed`);

  // A dependency's change reaches everything that depends on it.
  writeSourceTarball(workspace, 'liba-1.0', {
    configure: '#!/bin/sh\nsed "s|@prefix@|/usr|" Makefile.in > Makefile\n',
    'Makefile.in': 'prefix = @prefix@\nall:\n\tgcc $(CFLAGS) -fPIC -shared -Wl,-soname,liba.so.1 -o liba.so.1 a.c\ninstall: all\n\tinstall -D -m 0644 a.h $(DESTDIR)$(prefix)/include/a.h\n\tinstall -D -m 0755 liba.so.1 $(DESTDIR)$(prefix)/lib/liba.so.1\n\tln -sf liba.so.1 $(DESTDIR)$(prefix)/lib/liba.so\n',
    'a.h': 'int liba_answer(void);\n',
    'a.c': '#include "a.h"\nint liba_answer(void) { return 43; }\n',
  });
  assert.match(ok(['build', '--flavor', 'opt', '--explain', 'progb']).stdout, /^ {2}changed dependency liba$/m);
  assert.deepEqual(built(ok(['build', '--flavor', 'opt', '--json'])), ['liba', 'progb']);
  ok(['root', 'compose', '1.0-runtime-opt-x86_64']);
  assert.equal(ok(['root', 'run', '1.0-runtime-opt-x86_64', '--', '/usr/bin/progb']).stdout, 'progb: 43\n');
});

test('building the same recipes from scratch elsewhere, later, gives byte-identical artifacts and the same root tree', () => {
  const again = join(tmp, 'ws-again');
  cpSync(join(workspace, 'recipes'), join(again, 'recipes'), { recursive: true });
  cpSync(join(workspace, 'roots'), join(again, 'roots'), { recursive: true });
  write(again, 'artifacts/.keep', '');
  const firstTree = ok(['root', 'show', '1.0-runtime-opt-x86_64', '--json']).stdout;
  ok(['build', '--flavor', 'opt', '-C', again]);
  assert.deepEqual(artifactSums(again), artifactSums(workspace));
  ok(['root', 'compose', '1.0-runtime-opt-x86_64', '--artifacts', join(again, 'artifacts')]);
  const tree = (json: string) => (JSON.parse(json) as { tree: string }).tree;
  assert.equal(tree(ok(['root', 'show', '1.0-runtime-opt-x86_64', '--json']).stdout), tree(firstTree));
});

test('a recipe whose configure looks for a library it does not DEPEND on fails, though the host has it', () => {
  write(workspace, 'recipes/needz_1.0.bb', 'LICENSE = "MIT"\nSRC_URI = "file://needz-1.0.tar.gz"\n');
  writeSourceTarball(workspace, 'needz-1.0', {
    configure: '#!/bin/sh\ntest -f /usr/include/zlib.h || { echo "configure: error: zlib.h not found" >&2; exit 1; }\n',
    'Makefile.in': '',
  });
  assert.ok(readdirSync('/usr/include').includes('zlib.h'), 'the host has zlib.h (setup.sh installs zlib1g-dev)');
  const state = snapshotRepoState(repo);
  const artifacts = artifactSums(workspace);
  const result = hacktree(['build', 'needz', '--flavor', 'opt']);
  assertCliError(result, 'BUILD_FAILED', ['needz', 'configure']);
  assert.match(result.stderr, /zlib\.h not found/);
  assert.deepEqual(artifactSums(workspace), artifacts, 'nothing written to artifacts/');
  assertRepoUnchanged(state, snapshotRepoState(repo));
  // --keep-failed keeps the work directory and says where.
  const kept = hacktree(['build', 'needz', '--flavor', 'opt', '--keep-failed']);
  assertCliError(kept, 'BUILD_FAILED', ['configure']);
  const workdir = /work directory is kept \(--keep-failed\): (\S+);/.exec(kept.stderr)?.[1];
  assert.ok(workdir !== undefined && readdirSync(workdir).includes('needz-1.0'), kept.stderr);
  rmSync(workdir, { recursive: true, force: true });
  rmSync(join(workspace, 'recipes/needz_1.0.bb'));
});

test('a build found in an artifact cache is fetched and verified, not built', () => {
  const cache = join(tmp, 'cache');
  ok(['cache', 'push', cache]);
  const sums = artifactSums(workspace);
  for (const name of sums.keys()) rmSync(join(workspace, 'artifacts', name));
  const dry = ok(['build', '--flavor', 'opt', '-n', '--cache', cache]).stdout;
  assert.match(dry, /^fetch +liba 1\.0-opt-x86_64 opt: /m);
  const result = JSON.parse(ok(['build', '--flavor', 'opt', '--json', '--cache', cache]).stdout) as { outcomes: Outcome[] };
  assert.deepEqual(result.outcomes.map((o) => `${o.recipe} ${o.result}`).sort(), ['liba fetched', 'progb fetched']);
  assert.deepEqual(artifactSums(workspace), sums);
});

/**
 * A bad recipe added to a copy of the workspace: `hacktree build` must fail with `code`, name
 * every string in `names`, and leave artifacts/, the source cache and the repository as they were.
 */
async function assertBadRecipe(files: Record<string, string>, code: Parameters<typeof assertCliError>[1], names: string[]): Promise<RunResult> {
  const bad = join(tmp, `ws-bad-${code}`);
  rmSync(bad, { recursive: true, force: true });
  cpSync(workspace, bad, { recursive: true });
  for (const [path, content] of Object.entries(files)) write(bad, path, content);
  const state = snapshotRepoState(repo);
  const artifacts = artifactSums(bad);
  const sources = readdirSync(env.HACKTREE_SOURCE_CACHE!, { recursive: true }).sort();
  // Spawned, not run synchronously: the test's own HTTP server must go on answering meanwhile.
  const result = await spawnHacktree(['build', '--flavor', 'opt', '-C', bad], { env: { ...env, HACKTREE_REPO: repo } });
  assertCliError(result, code, names);
  assert.deepEqual(artifactSums(bad), artifacts, 'nothing written to artifacts/');
  assert.deepEqual(readdirSync(env.HACKTREE_SOURCE_CACHE!, { recursive: true }).sort(), sources, 'nothing kept in the source cache');
  assertRepoUnchanged(state, snapshotRepoState(repo));
  rmSync(bad, { recursive: true, force: true });
  return result;
}

test('bad recipes fail with file:line or the failing step, and write nothing', async () => {
  mkdirSync(env.HACKTREE_SOURCE_CACHE!, { recursive: true });
  await assertBadRecipe({ 'recipes/bad_1.0.bb': 'LICENSE = "MIT"\nFOO := = "x"\n' }, 'RECIPE_SYNTAX', ['recipes/bad_1.0.bb:2']);
  await assertBadRecipe({ 'recipes/bad_1.0.bb': 'LICENSE = "MIT"\nFOO = "${@d.getVar(\'PN\')}"\n' }, 'RECIPE_UNSUPPORTED', ['recipes/bad_1.0.bb:2']);
  await assertBadRecipe({ 'recipes/bad_1.0.bb': 'inherit autotools\n' }, 'RECIPE_UNSUPPORTED', ['recipes/bad_1.0.bb:1']);
  await assertBadRecipe({ 'recipes/a_1.0.bb': 'DEPENDS = "b"\n', 'recipes/b_1.0.bb': 'DEPENDS = "a"\n' }, 'DEPENDENCY_CYCLE', ['a -> b -> a']);
  await assertBadRecipe({ 'recipes/bad_1.0.bb': 'LICENSE = "MIT"\nDEPENDS = "nosuchrecipe"\n' }, 'DEPENDENCY_MISSING', ['nosuchrecipe', 'recipes/bad_1.0.bb:2']);
  await assertBadRecipe({
    'recipes/liba_1.0.bb': 'LICENSE = "MIT"\nSRC_URI = "file://liba-${PV}.tar.gz"\nLIC_FILES_CHKSUM = "file://a.h;md5=00000000000000000000000000000000"\n',
  }, 'LICENSE_CHECKSUM_MISMATCH', ['a.h']);
  await assertBadRecipe({
    'recipes/liba_1.0.bb': 'LICENSE = "MIT"\nSRC_URI = "file://liba-${PV}.tar.gz file://0001-answer.patch"\n',
    'recipes/liba/0001-answer.patch': '--- a/a.c\n+++ b/a.c\n@@ -1 +1 @@\n-int not_what_is_there;\n+int x;\n',
  }, 'PATCH_FAILED', ['0001-answer.patch']);
});

test('a remote source that fails to download is an error naming the URL, caches nothing, and works once the server is fixed', async () => {
  const served = join(tmp, 'served');
  mkdirSync(served, { recursive: true });
  cpSync(join(workspace, 'recipes/files/liba-1.0.tar.gz'), join(served, 'liba-1.0.tar.gz'));
  const sum = createHash('sha256').update(readFileSync(join(served, 'liba-1.0.tar.gz'))).digest('hex');
  const server = await startHttpServer(served);
  try {
    const recipe = (checksum: string) => ({
      'recipes/liba_1.0.bb': `LICENSE = "MIT"\nSRC_URI = "${server.url}/liba-\${PV}.tar.gz"\nSRC_URI[sha256sum] = "${checksum}"\n`,
    });
    server.misbehave('/liba-1.0.tar.gz', { status: 404 });
    const missing = await assertBadRecipe(recipe(sum), 'FETCH_FAILED', [`${server.url}/liba-1.0.tar.gz`]);
    assert.match(missing.stderr, /404/);
    server.clear();
    await assertBadRecipe(recipe('0'.repeat(64)), 'CHECKSUM_MISMATCH', [sum]);
    const fixed = join(tmp, 'ws-fixed');
    cpSync(workspace, fixed, { recursive: true });
    for (const [path, content] of Object.entries(recipe(sum))) write(fixed, path, content);
    const result = await spawnHacktree(['build', 'liba', '--flavor', 'opt', '-C', fixed, '--json'], { env: { ...env, HACKTREE_REPO: repo } });
    assert.equal(result.status, 0, result.stderr);
    assert.ok(readdirSync(join(env.HACKTREE_SOURCE_CACHE!, sum)).includes('liba-1.0.tar.gz'), 'the verified download is in the source cache');
    rmSync(fixed, { recursive: true, force: true });
  } finally {
    await server.close();
  }
});
