import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureW1 } from '../fixtures/w1.js';
import { assertCliError } from '../helpers/assertCliError.js';
import { hacktreeBin, inMountNamespace, makeTempDir, runHacktree, type RunResult } from '../helpers/cli.js';
import { makeRecipeWorkspace } from '../helpers/recipeWorkspace.js';
import { assertFsckClean } from '../helpers/repoState.js';

// `hacktree make` in the repository's own tiny autotools project (test/fixtures/hello-local),
// against roots built from the builder test workspace: the local build lands on the root's
// local branch and in its deployment.
const helloLocal = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/hello-local');
const ROOT = '1.0-runtime-opt-x86_64';
let tmp: string;
let repo: string;
let source: string;
let workspace: string;
let prefix: string;
let env: Record<string, string>;

before(() => {
  tmp = makeTempDir('hacktree-e2e-make');
  repo = join(tmp, 'repo');
  prefix = join(tmp, 'prefix');
  mkdirSync(prefix);
  env = { HACKTREE_REPO: repo, HACKTREE_SOURCE_CACHE: join(tmp, 'sources'), HACKTREE_PREFIX: prefix, HACKTREE_CACHE: '' };
  workspace = makeRecipeWorkspace(join(tmp, 'ws'));
  ok(['init']);
  ok(['bootstrap', '--from', ensureW1().rootfs, '--name', 'debian-bookworm-x86_64']);
  ok(['build', '--flavor', 'opt'], workspace);
  ok(['root', 'compose', ROOT], workspace);
  ok(['root', 'compose', '1.0-devel-opt-x86_64'], workspace);
  // A developer's checkout: a git repository, so the version is `git describe`'s.
  source = join(tmp, 'hello-local');
  cpSync(helloLocal, source, { recursive: true });
  const git = (...args: string[]) => assert.equal(spawnSync('git', ['-C', source, ...args], { encoding: 'utf8' }).status, 0, `git ${args.join(' ')}`);
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'start');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'tag', '-a', '-m', '0.1', 'v0.1');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function hacktree(args: string[], cwd?: string, extra: Record<string, string> = {}): RunResult {
  return runHacktree(args, { env: { ...env, ...extra }, cwd });
}

function ok(args: string[], cwd?: string, extra: Record<string, string> = {}): RunResult {
  const result = hacktree(args, cwd, extra);
  assert.equal(result.status, 0, `hacktree ${args.join(' ')}:\n${result.stderr}`);
  return result;
}

test('make --no-install builds the current directory in the sandbox into local artifacts only', () => {
  const result = ok(['make', '--no-install', '--json'], source, { HACKTREE_ROOT: ROOT });
  const built = JSON.parse(result.stdout) as { name: string; version: string; artifacts: string[]; installed: unknown };
  assert.equal(built.name, 'hello');
  assert.equal(built.version, 'v0.1', 'git describe --always --dirty of the tree');
  assert.deepEqual(built.artifacts.map((a) => a.split('/').pop()).sort(), [
    'hello-devel,a=x86_64,b=opt,o=local,r=1.0-opt-x86_64,v=v0.1,.tar.gz',
    'hello-runtime,a=x86_64,b=opt,o=local,r=1.0-opt-x86_64,v=v0.1,.tar.gz',
  ]);
  assert.equal(built.installed, null);
  assert.equal(hacktree(['root', 'local', ROOT]).stdout.includes('hello'), false, 'no local branch was touched');
  assert.ok(!existsSync(join(source, 'configure')), 'the build ran on a copy: the source tree is as it was');
});

test('make installs the build into the root\'s local branch and redeploys it', () => {
  const bin = `${process.execPath} ${hacktreeBin}`;
  const pub = join(prefix, `root-${ROOT}`);
  const exports = Object.entries({ ...env, HACKTREE_ROOT: ROOT }).map(([k, v]) => `export ${k}='${v}'`).join('\n');
  const r = inMountNamespace(`
    ${exports}
    ${bin} root checkout ${ROOT} -q
    test ! -e ${pub}/usr/bin/hello
    cd ${source}
    sed -i 's/Hello from hello-local!/Hello from a local edit!/' hello.c
    ${bin} make -q
    test "$(${bin} root run ${ROOT} -- /usr/bin/hello)" = "Hello from a local edit!"
    test "$(chroot ${pub} /usr/bin/progb)" = "progb: 42"
    ${bin} root local ${ROOT} | grep -q 'hello-runtime,a=x86_64,b=opt,o=local,r=1.0-opt-x86_64,v=v0.1-dirty,'
  `);
  assert.equal(r.status, 0, r.stderr);
  assertFsckClean(repo);
});

test('make debug in an opt root: this component -O0 as b=debug on the local branch, the rest as it was; the kept build tree is reused', () => {
  const bin = `${process.execPath} ${hacktreeBin}`;
  const pub = join(prefix, `root-${ROOT}`);
  const exports = Object.entries({ ...env, HACKTREE_ROOT: pub }).map(([k, v]) => `export ${k}='${v}'`).join('\n');
  const r = inMountNamespace(`
    ${exports}
    ${bin} root checkout ${ROOT} -q
    cd ${source}
    set -x
    ${bin} make debug --json > first.json
    grep -q '"configured": *false' first.json
    ${bin} root local ${ROOT} | grep -q $'hello-runtime\\t[^\\t]*\\tdebug\\t'
    ${bin} root local ${ROOT} | grep -q 'hello-runtime,a=x86_64,b=debug,o=local,r=1.0-opt-x86_64,'
    sed -i 's/Hello from a local edit!/Hello from a debug build!/' hello.c
    ${bin} make debug --json > second.json
    grep -q '"configured": *true' second.json
    test "$(${bin} root run ${ROOT} -- /usr/bin/hello)" = "Hello from a debug build!"
    grep -q "^CFLAGS='-O0 -g3'" hacktree-out/work/${ROOT}-debug/src/config.log
    ${bin} root reset ${ROOT} -q
  `);
  assert.equal(r.status, 0, r.stderr);
  assertFsckClean(repo);
});

test('make refuses what it cannot build or install, and says how to fix it', () => {
  assertCliError(hacktree(['make'], source), 'USAGE', ['HACKTREE_ROOT']);
  const notSource = join(tmp, 'empty');
  mkdirSync(notSource);
  assertCliError(hacktree(['make'], notSource, { HACKTREE_ROOT: ROOT }), 'SOURCE_NOT_FOUND', [notSource]);
  assert.deepEqual(readdirSync(notSource), []);
  // A path that is not a deployed root names the ones that are (none here, outside a namespace).
  const nowhere = join(prefix, 'root-9.9-runtime-opt-x86_64');
  assertCliError(hacktree(['make', 'debug'], source, { HACKTREE_ROOT: nowhere }), 'NOT_DEPLOYED', [nowhere]);
  assertFsckClean(repo);
});

test('a recipe\'s source from "hacktree source" builds with make as it is, timestamps included, and with the edit', () => {
  const tree = join(tmp, 'progb-source');
  ok(['source', 'progb', tree, '-C', workspace]);
  // What the tarball gave (mtime 0, tar --mtime=@0) must reach the build: record configure's.
  appendFileSync(join(tree, 'Makefile.in'), '\tdate -r configure +%s > $(DESTDIR)$(prefix)/share/progb/configure-mtime\n');
  writeFileSync(join(tree, 'b.c'), readFileSync(join(tree, 'b.c'), 'utf8').replace('progb: %d', 'progb, edited: %d'));
  // No --name: the tree says which recipe it came from.
  const built = JSON.parse(ok(['make', '--no-install', '--json'], tree, { HACKTREE_ROOT: ROOT }).stdout) as { name: string; version: string; artifacts: string[] };
  assert.equal(built.name, 'progb');
  assert.equal(spawnSync('git', ['-C', tree, 'status', '--porcelain', '--', 'hacktree-out'], { encoding: 'utf8' }).stdout, '', 'make\'s output is not part of the source');
  assert.match(built.version, /^[0-9a-f]{7,}-dirty$/, 'git describe of the hacktree-recipe commit, dirty with the edit');
  const runtime = resolve(tree, built.artifacts.find((a) => a.includes('progb-runtime,'))!);
  const member = (path: string) => spawnSync('tar', ['-xzOf', runtime, path], { encoding: 'latin1' });
  assert.equal(member('usr/share/progb/configure-mtime').stdout, '0\n', 'the tree was built with its own timestamps');
  assert.ok(member('usr/bin/progb').stdout.includes('progb, edited: %d'), 'the edit is in the built program');
});
