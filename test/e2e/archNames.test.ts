import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { assertCliError } from '../helpers/assertCliError.js';
import { makeTempDir, runHacktree } from '../helpers/cli.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';

// Architectures in names, on small packed artifacts (no base, no build): artifacts named before
// roots had arches (no a=) still compose into x86_64 roots; an artifact whose a= is not its
// root's arch is refused, as is a definition naming an arch hacktree does not know.
let work: string;
let repo: string;

function hacktree(args: string[]) {
  return runHacktree(args, { repo, cwd: work, env: { HACKTREE_FSYNC: '0' } });
}

function ok(args: string[]): string {
  const r = hacktree(args);
  assert.equal(r.status, 0, `hacktree ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

/** Packs a one-file tree as component `name` for `root` (r=), with --arch when given. */
function pack(name: string, root: string, out: string, arch?: string): void {
  const tree = join(work, 'trees', `${name}-${root}-${arch ?? 'none'}`);
  mkdirSync(join(tree, 'usr/share', name), { recursive: true });
  writeFileSync(join(tree, 'usr/share', name, 'README'), `${name} for ${root}\n`);
  ok(['artifact', 'pack', tree, '--name', name, '--version', '1', '--root', root, '--flavor', 'opt', '--out', out, '-q', ...(arch === undefined ? [] : ['--arch', arch])]);
}

before(() => {
  work = makeTempDir('hacktree-arch-names');
  repo = join(work, 'repo');
  mkdirSync(join(work, 'roots'));
  mkdirSync(join(work, 'artifacts'));
  writeFileSync(join(work, 'roots', '1.0.json'), JSON.stringify({ version: '1.0', arches: ['x86_64', 'ia32'], runtime: ['doc'] }));
  ok(['init']);
});

after(() => rmSync(work, { recursive: true, force: true }));

test('an artifact named without a= (before roots had arches) composes into the x86_64 root', () => {
  pack('doc', '1.0-opt-x86_64', join(work, 'artifacts'));
  const [file] = readdirSync(join(work, 'artifacts')).filter((f) => f.startsWith('doc-runtime,'));
  assert.equal(file, 'doc-runtime,b=opt,o=master,r=1.0-opt-x86_64,v=1,.tar.gz', 'packed without --arch: no a=');
  const composed = ok(['root', 'compose', '1.0-runtime-opt-x86_64', '--json']);
  assert.deepEqual(JSON.parse(composed).artifacts, [file]);
  assert.match(ok(['root', 'blame', '1.0-runtime-opt-x86_64', 'usr/share/doc/README']), /doc-runtime,b=opt,o=master,r=1\.0-opt-x86_64,v=1,\.tar\.gz/);
});

test('compose refuses an artifact built for the root whose a= is another arch, and writes nothing', () => {
  // r= says i686, a= says x86_64: what a mistaken pack (or a copied file) looks like.
  pack('doc', '1.0-opt-i686', join(work, 'artifacts'), 'x86_64');
  const before = snapshotRepoState(repo);
  const refused = hacktree(['root', 'compose', '1.0-runtime-opt-i686']);
  assertCliError(refused, 'ARTIFACT_ROOT_MISMATCH', ['doc-runtime,a=x86_64,b=opt,o=master,r=1.0-opt-i686,v=1,.tar.gz', 'a=x86_64', 'never mixes architectures']);
  assertRepoUnchanged(before, snapshotRepoState(repo));
  assert.equal(hacktree(['root', 'show', '1.0-runtime-opt-i686']).status, 4, 'no root-1.0-runtime-opt-i686 branch');
  for (const file of readdirSync(join(work, 'artifacts'))) if (file.includes('r=1.0-opt-i686')) rmSync(join(work, 'artifacts', file));
  // ia32 is i686: packed --arch ia32, the artifact carries a=i686 and composes; an unknown arch is refused.
  assertCliError(hacktree(['artifact', 'pack', join(work, 'trees'), '--name', 'doc', '--version', '1', '--root', '1.0-opt-i686', '--flavor', 'opt', '--out', join(work, 'artifacts'), '--arch', 'pdp11']), 'USAGE', ['pdp11']);
  pack('doc', '1.0-opt-i686', join(work, 'artifacts'), 'ia32');
  assert.deepEqual(JSON.parse(ok(['root', 'compose', '1.0-runtime-opt-i686', '--json'])).artifacts, ['doc-runtime,a=i686,b=opt,o=master,r=1.0-opt-i686,v=1,.tar.gz']);
  const aliased = hacktree(['root', 'compose', '1.0-runtime-opt-ia32']);
  assertCliError(aliased, 'ROOT_NAME_INVALID', ['1.0-runtime-opt-ia32']);
  assert.match(aliased.stderr, /root names carry i686, not ia32: 1\.0-runtime-opt-i686/);
  assertFsckClean(repo);
});

test('an unknown arch in a definition is ROOT_DEFINITION_INVALID naming the file and the value, for compose, build and bootstrap alike; nothing is written', () => {
  const ws = join(work, 'bad');
  mkdirSync(join(ws, 'roots'), { recursive: true });
  mkdirSync(join(ws, 'recipes'));
  mkdirSync(join(ws, 'artifacts'));
  writeFileSync(join(ws, 'roots', '2.0.json'), JSON.stringify({ version: '2.0', arches: ['x86_64', 'sparc64'], runtime: ['doc'] }));
  const before = snapshotRepoState(repo);
  const definition = join(ws, 'roots', '2.0.json');
  for (const args of [['root', 'compose', '2.0-runtime-opt-x86_64', '--roots', join(ws, 'roots'), '--artifacts', join(work, 'artifacts')], ['build', '-C', ws], ['bootstrap', '-C', ws]]) {
    assertCliError(hacktree(args), 'ROOT_DEFINITION_INVALID', [definition, '"sparc64"']);
  }
  assert.deepEqual(readdirSync(join(ws, 'artifacts')), [], 'no artifact, no build record');
  assertRepoUnchanged(before, snapshotRepoState(repo));
  assertFsckClean(repo);
});

test('aarch64 on this x86_64 machine: composed from packed artifacts; built only on its cross toolchain base (BASE_ROOT_MISSING saying how to make it); run through qemu-user', () => {
  const ws = join(work, 'arm');
  mkdirSync(join(ws, 'roots'), { recursive: true });
  mkdirSync(join(ws, 'recipes'));
  mkdirSync(join(ws, 'artifacts'));
  writeFileSync(join(ws, 'roots', '3.0.json'), JSON.stringify({ version: '3.0', arches: ['aarch64'], runtime: ['doc'] }));
  const before = snapshotRepoState(repo);
  const build = hacktree(['build', '-C', ws]);
  assertCliError(build, 'BASE_ROOT_MISSING', ['base/debian-bookworm-cross-aarch64']);
  assert.match(build.stderr, /hint: make it with "hacktree bootstrap --arch aarch64"/);
  assert.deepEqual(readdirSync(join(ws, 'artifacts')), [], 'nothing built, no build record');
  assertRepoUnchanged(before, snapshotRepoState(repo));
  pack('doc', '3.0-opt-aarch64', join(ws, 'artifacts'), 'aarch64');
  ok(['root', 'compose', '3.0-runtime-opt-aarch64', '--roots', join(ws, 'roots'), '--artifacts', join(ws, 'artifacts')]);
  // --repo before `--`: what follows it is the program's.
  const run = runHacktree(['root', 'run', '3.0-runtime-opt-aarch64', '--repo', repo, '--', '/bin/true'], { cwd: work, env: { HACKTREE_FSYNC: '0' } });
  if (existsSync('/proc/sys/fs/binfmt_misc/qemu-aarch64')) {
    // Registered: the run is handed to the sandbox (the root has no /bin/true, so it fails there).
    assert.doesNotMatch(run.stderr, /ARCH_UNSUPPORTED/);
  } else {
    assertCliError(run, 'ARCH_UNSUPPORTED', ['root run 3.0-runtime-opt-aarch64', 'qemu-aarch64']);
    assert.match(run.stderr, /hint: install qemu-user-static and binfmt-support/);
  }
  assertFsckClean(repo);
});

test('setup.sh --arch without an architecture, or an unknown argument, is a usage error before anything is installed', () => {
  const setup = join(dirname(fileURLToPath(import.meta.url)), '../../../setup.sh');
  for (const [args, said] of [[['--arch'], /--arch needs an architecture/], [['--arch=i686', '--bogus'], /unknown argument: --bogus/]] as const) {
    const r = spawnSync('bash', [setup, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, said);
    assert.match(r.stderr, /usage: bash setup\.sh \[--deps-only\] \[--arch ARCH\]/);
  }
});
