import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { crossToolchainOf } from '../../src/model/root/crossBuild.js';
import { assertCliError } from '../helpers/assertCliError.js';
import { hacktreeCommand, makeTempDir, runHacktree, type RunResult } from '../helpers/cli.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';

// aarch64 cross-built on this x86_64 machine, as the README shows it with examples/aarch64 (a
// definition naming only aarch64, with libsigsegv and hello): the cross toolchain base and the
// arm64 runtime base (debootstrap --foreign, finished under qemu-user) are made once per content
// of their definitions and kept in the test cache, with the first build's artifacts; every run
// builds the two recipes again from scratch and compares the bytes.
const clone = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const example = join(clone, 'examples/aarch64');
const ROOT = '3.2-runtime-opt-aarch64';

let work: string;
let cached: string;
let repo: string;
let ws: string;

/** What the cached bases are made of: the definitions and the cross toolchain's packages. */
function cacheKey(): string {
  const hash = createHash('sha256');
  for (const file of ['examples/aarch64/roots/3.2.json', 'roots/bases/debian-bookworm.json', 'roots/bases/debian-bookworm-runtime.json']) hash.update(readFileSync(join(clone, file)));
  hash.update(crossToolchainOf('aarch64')!.packages.join(','));
  return hash.digest('hex').slice(0, 16);
}

function hacktree(args: string[], options: { cwd?: string; repoDir?: string; env?: Record<string, string> } = {}): RunResult {
  // The repository by the environment: `root run ROOT -- CMD` passes whatever follows `--` to CMD.
  return runHacktree(args, { cwd: options.cwd ?? ws, env: { HACKTREE_REPO: options.repoDir ?? repo, HACKTREE_FSYNC: '0', HACKTREE_SOURCE_CACHE: join(cached, '..', 'sources'), ...options.env } });
}

function ok(args: string[], options: Parameters<typeof hacktree>[1] = {}): string {
  const r = hacktree(args, options);
  assert.equal(r.status, 0, `hacktree ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function sh(command: string): string {
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', command], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `${command}\n${r.stderr}`);
  return r.stdout;
}

/** qemu-aarch64 registered with binfmt_misc, with the F flag: machine state this test sets up itself. */
function registerQemu(): void {
  if (!existsSync('/proc/sys/fs/binfmt_misc/status')) sh('mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc');
  if (!existsSync('/proc/sys/fs/binfmt_misc/qemu-aarch64')) sh('update-binfmts --enable qemu-aarch64');
  if (!/^enabled$/m.test(readFileSync('/proc/sys/fs/binfmt_misc/qemu-aarch64', 'utf8'))) writeFileSync('/proc/sys/fs/binfmt_misc/qemu-aarch64', '1');
  assert.match(readFileSync('/proc/sys/fs/binfmt_misc/qemu-aarch64', 'utf8'), /^flags: \S*F/m, 'qemu-aarch64 is registered with the F flag');
}

/**
 * Runs a command (in the workspace, on `repoDir`) as on a machine without qemu-user-static:
 * binfmt_misc is per user namespace, and a new one starts empty.
 */
function withoutQemu(argv: string[], repoDir: string): RunResult {
  const script = 'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc && exec "$@"';
  const r = spawnSync('unshare', ['-U', '-r', '-m', '--propagation', 'private', 'sh', '-c', script, 'sh', ...argv], { cwd: ws, encoding: 'utf8', env: { ...process.env, HACKTREE_REPO: repoDir } });
  return { status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

/** A workspace of the example's definition, the clone's recipes and bases, and `artifacts`. */
function exampleWorkspace(dir: string, artifacts: string): string {
  mkdirSync(join(dir, 'roots'), { recursive: true });
  writeFileSync(join(dir, 'roots/3.2.json'), readFileSync(join(example, 'roots/3.2.json')));
  symlinkSync(join(clone, 'roots/bases'), join(dir, 'roots/bases'));
  symlinkSync(join(clone, 'recipes'), join(dir, 'recipes'));
  mkdirSync(artifacts, { recursive: true });
  symlinkSync(artifacts, join(dir, 'artifacts'));
  return dir;
}

function builtArtifacts(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(',.tar.gz')).sort();
}

before(() => {
  registerQemu();
  work = makeTempDir('hacktree-aarch64');
  cached = join(process.env.HACKTREE_TEST_CACHE ?? '/var/cache/hacktree-test', 'aarch64', cacheKey());
  repo = join(cached, 'repo');
  ws = exampleWorkspace(join(work, 'ws'), join(cached, 'artifacts'));
  if (!existsSync(repo)) {
    // Made under another name and renamed: a run killed half-way leaves no cache that looks whole.
    const making = `${repo}.making-${process.pid}`;
    rmSync(making, { recursive: true, force: true });
    ok(['init'], { repoDir: making });
    ok(['bootstrap', '--arch', 'aarch64'], { repoDir: making });
    renameSync(making, repo);
  }
  ok(['build', 'libsigsegv', 'hello', '--arch', 'aarch64', '--flavor', 'opt', '-q']);
});

after(() => rmSync(work, { recursive: true, force: true }));

test('libsigsegv and hello are cross-built for aarch64: a=aarch64 artifacts whose binaries are AArch64 ELF', () => {
  const files = builtArtifacts(join(cached, 'artifacts'));
  for (const name of ['libsigsegv', 'hello']) {
    for (const kind of ['runtime', 'devel']) assert.ok(files.some((f) => f.startsWith(`${name}-${kind},a=aarch64,b=opt,`) && f.includes(',r=3.2-opt-aarch64,')), `${name}-${kind} for aarch64 in ${files.join(' ')}`);
  }
  const extracted = join(work, 'extracted');
  mkdirSync(extracted);
  for (const file of files.filter((f) => /^(hello|libsigsegv)-runtime,/.test(f))) sh(`tar -xzf '${join(cached, 'artifacts', file)}' -C '${extracted}'`);
  const binaries = sh(`find '${extracted}' -type f \\( -path '*/bin/hello' -o -name 'libsigsegv.so.*' \\)`).trim().split('\n').filter(Boolean);
  assert.equal(binaries.length, 2, `hello and libsigsegv's shared library: ${binaries.join(' ')}`);
  for (const binary of binaries) {
    const header = sh(`readelf -h '${binary}'`);
    assert.match(header, /^ +Class: +ELF64$/m, binary);
    assert.match(header, /^ +Machine: +AArch64$/m, binary);
  }
});

test('the aarch64 runtime root runs hello through qemu-user; without qemu registered, root run says what to install', () => {
  ok(['root', 'compose', ROOT, '--roots', join(ws, 'roots'), '--artifacts', join(ws, 'artifacts'), '-q']);
  assert.equal(ok(['root', 'run', ROOT, '--', 'hello']), 'Hello, world!\n');
  assert.equal(ok(['root', 'run', ROOT, '--', 'uname', '-m']), 'aarch64\n');
  // The base under it is Debian's arm64 userland.
  const sh64 = join(work, 'sh');
  sh(`'${hacktreeCommand}' root cat ${ROOT} /usr/bin/dash --repo '${repo}' > '${sh64}'`);
  assert.match(sh(`readelf -h '${sh64}'`), /^ +Machine: +AArch64$/m);
  const before = snapshotRepoState(repo);
  const run = withoutQemu([hacktreeCommand, 'root', 'run', ROOT, '--', 'hello'], repo);
  assertCliError(run, 'ARCH_UNSUPPORTED', [`root run ${ROOT}`, 'qemu-aarch64']);
  assert.match(run.stderr, /hint: install qemu-user-static and binfmt-support/);
  assertRepoUnchanged(before, snapshotRepoState(repo));
  assertFsckClean(repo);
});

test('bootstrap --arch aarch64 without qemu-user registered is ARCH_UNSUPPORTED before any base is started; nothing written', () => {
  const fresh = join(work, 'no-qemu');
  ok(['init'], { repoDir: fresh });
  const before = snapshotRepoState(fresh);
  const run = withoutQemu([hacktreeCommand, 'bootstrap', '--arch', 'aarch64'], fresh);
  assertCliError(run, 'ARCH_UNSUPPORTED', ['base/debian-bookworm-runtime-aarch64', 'qemu-aarch64']);
  assert.match(run.stderr, /hint: install qemu-user-static and binfmt-support/);
  assertRepoUnchanged(before, snapshotRepoState(fresh));
  assertFsckClean(fresh);
});

test('aarch64 cross builds from scratch are byte-identical', () => {
  const again = join(work, 'again-artifacts');
  const fresh = exampleWorkspace(join(work, 'again'), again);
  ok(['build', 'libsigsegv', 'hello', '-C', fresh, '--arch', 'aarch64', '--flavor', 'opt', '-q'], { cwd: fresh });
  const first = builtArtifacts(join(cached, 'artifacts'));
  assert.deepEqual(builtArtifacts(again), first);
  for (const file of first) assert.ok(readFileSync(join(again, file)).equals(readFileSync(join(cached, 'artifacts', file))), `${file} is byte-identical`);
});

test('a recipe whose configure runs a test program is refused for aarch64, naming the recipe and the arch; nothing written', () => {
  const dir = join(work, 'runs');
  mkdirSync(join(dir, 'roots'), { recursive: true });
  mkdirSync(join(dir, 'artifacts'));
  symlinkSync(join(clone, 'roots/bases'), join(dir, 'roots/bases'));
  writeFileSync(join(dir, 'roots/1.0.json'), JSON.stringify({ version: '1.0', arches: ['aarch64'], base: 'debian-bookworm', runtime: ['runs'] }));
  mkdirSync(join(dir, 'recipes/files'), { recursive: true });
  writeFileSync(join(dir, 'recipes/runs_1.0.bb'), 'SUMMARY = "Runs a program it built at configure time"\nLICENSE = "MIT"\nSRC_URI = "file://runs-${PV}.tar.gz"\n');
  // No configure script: autoreconf makes one, and AC_RUN_IFELSE without a cross default refuses.
  const source = join(work, 'runs-src', 'runs-1.0');
  mkdirSync(source, { recursive: true });
  writeFileSync(join(source, 'configure.ac'), 'AC_INIT([runs], [1.0])\nAC_PROG_CC\nAC_RUN_IFELSE([AC_LANG_PROGRAM([], [return 0;])], [], [AC_MSG_ERROR([the test program failed])])\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n');
  writeFileSync(join(source, 'Makefile.in'), 'all:\ninstall:\n');
  sh(`tar -czf '${dir}/recipes/files/runs-1.0.tar.gz' --sort=name --mtime=@0 --owner=0 --group=0 -C '${dirname(source)}' runs-1.0`);
  const before = snapshotRepoState(repo);
  const r = hacktree(['build', '-C', dir, '--flavor', 'opt'], { cwd: dir });
  assertCliError(r, 'CROSS_COMPILE_UNSUPPORTED', ['runs', 'aarch64']);
  assert.match(r.stderr, /cannot run test program while cross compiling/);
  assert.deepEqual(readdirSync(join(dir, 'artifacts')).filter((f) => f.endsWith('.tar.gz')), [], 'no artifact');
  assertRepoUnchanged(before, snapshotRepoState(repo));
  assertFsckClean(repo);
});

test('one recipe for x86_64, i686 and aarch64: three build ids; a cross toolchain base without the cross compiler is refused naming what to install', () => {
  const small = join(work, 'small');
  const tree = join(small, 'tree');
  mkdirSync(join(tree, 'usr/bin'), { recursive: true });
  writeFileSync(join(tree, 'usr/bin/README'), 'a base without any compiler\n');
  const smallRepo = join(small, 'repo');
  ok(['init'], { repoDir: smallRepo, cwd: small });
  for (const name of ['debian-bookworm-x86_64', 'debian-bookworm-i686', 'debian-bookworm-cross-aarch64']) ok(['bootstrap', '--name', name, '--from', tree, '-q'], { repoDir: smallRepo, cwd: small });
  const three = join(small, 'ws');
  mkdirSync(join(three, 'roots'), { recursive: true });
  mkdirSync(join(three, 'artifacts'));
  symlinkSync(join(clone, 'recipes'), join(three, 'recipes'));
  writeFileSync(join(three, 'roots/3.2.json'), JSON.stringify({ version: '3.2', arches: ['x86_64', 'i686', 'aarch64'], base: 'debian-bookworm', runtime: ['libsigsegv'] }));
  const plan = JSON.parse(ok(['build', 'libsigsegv', '-n', '--json', '-C', three, '--flavor', 'opt'], { repoDir: smallRepo, cwd: three })).plan as Array<{ recipe: string; root: string; buildId: string }>;
  const ids = new Map(plan.map((line) => [line.root, line.buildId]));
  assert.deepEqual([...ids.keys()].sort(), ['3.2-opt-aarch64', '3.2-opt-i686', '3.2-opt-x86_64']);
  assert.equal(new Set(ids.values()).size, 3, `three build ids: ${JSON.stringify(Object.fromEntries(ids))}`);
  const before = snapshotRepoState(smallRepo);
  const r = hacktree(['build', 'libsigsegv', '-C', three, '--arch', 'aarch64', '--flavor', 'opt'], { repoDir: smallRepo, cwd: three });
  assertCliError(r, 'CROSS_TOOLCHAIN_MISSING', ['libsigsegv', 'aarch64', 'base/debian-bookworm-cross-aarch64', 'aarch64-linux-gnu-gcc']);
  assert.match(r.stderr, /hint: .*gcc-aarch64-linux-gnu, libc6-dev-arm64-cross/);
  assert.deepEqual(readdirSync(join(three, 'artifacts')), [], 'nothing built, no build record');
  assertRepoUnchanged(before, snapshotRepoState(smallRepo));
  assertFsckClean(smallRepo);
});
