import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildAutotools, type AutotoolsBuild } from '../../src/builder/sandbox/buildAutotools.js';
import { packArtifact } from '../../src/builder/pack/packArtifact.js';
import { prepareBuildRoot, type BuildRoot } from '../../src/builder/sandbox/prepareBuildRoot.js';
import { runSandboxed } from '../../src/builder/sandbox/runSandboxed.js';
import { HacktreeError, isHacktreeError } from '../../src/errors/HacktreeError.js';
import type { Oid } from '../../src/model/git/oid.js';
import { ensureW1 } from '../fixtures/w1.js';
import { writeAutotoolsProject, type AutotoolsProjectOptions } from '../helpers/autotoolsProject.js';
import { makeTempDir, runHacktree } from '../helpers/cli.js';

// The build sandbox on W1 (bootstrapped with --from): build roots, bubblewrap's isolation, and
// autotools builds of a tiny project made here.
const BASE = 'base/debian-bookworm-x86_64';
const EPOCH = 1700000000;
let work: string;
let repo: string;
let baseRoot: BuildRoot;

function ok(args: string[]): string {
  const r = runHacktree(args, { repo });
  assert.equal(r.status, 0, `hacktree ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}
const git = (...args: string[]) => execFileSync('git', ['--git-dir', repo, ...args], { encoding: 'utf8' }).trim();

/** A fresh work dir holding the project at tiny-1.0/, an empty dest dir and a log path. */
function project(name: string, options: AutotoolsProjectOptions = {}): { workdir: string; destdir: string; logFile: string } {
  const dir = join(work, name);
  writeAutotoolsProject(join(dir, 'work', 'tiny-1.0'), options);
  mkdirSync(join(dir, 'dest'));
  return { workdir: join(dir, 'work'), destdir: join(dir, 'dest'), logFile: join(dir, 'build.log') };
}

function autotools(paths: { workdir: string; destdir: string; logFile: string }, more: Partial<AutotoolsBuild> = {}): Promise<void> {
  return buildAutotools({ buildRoot: baseRoot, sourceSubdir: 'tiny-1.0', flavor: 'opt', extraOeconf: [], jobs: 2, sourceDateEpoch: EPOCH, ...paths, ...more });
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<HacktreeError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isHacktreeError(err), `a HacktreeError, not ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

/** Packs a directory tree as artifacts NAME-runtime/-devel, imports both, returns the devel tree id. */
function importDevel(dir: string, name: string): Promise<Oid> {
  return packArtifact({ destdir: dir, name, version: '1', root: '1.0-opt-x86_64', flavor: 'opt', outDir: join(work, 'artifacts'), mtime: 0 }).then((packed) => {
    const imported = JSON.parse(ok(['artifact', 'import', packed.devel.path, '--json'])) as Array<{ commit: string }>;
    return git('rev-parse', `${imported[0]!.commit}^{tree}`) as Oid;
  });
}

before(async () => {
  work = makeTempDir('hacktree-sandbox');
  repo = join(work, 'repo');
  ok(['init']);
  ok(['bootstrap', '--from', ensureW1().rootfs]);
  baseRoot = await prepareBuildRoot({ repoDir: repo, base: BASE, artifactTrees: [] });
});
after(() => rmSync(work, { recursive: true, force: true }));

test('a build root\'s base is checked out once per tree, hardlinked, under a ref, and reused', async () => {
  const baseDir = join(repo, 'hacktree/buildroots', baseRoot.treeId);
  assert.deepEqual(baseRoot.layers, [baseDir]);
  assert.equal(baseRoot.treeId, git('rev-parse', `${BASE}^{tree}`), 'the base alone is its own tree');
  assert.equal(git('rev-parse', `${baseRoot.ref}^{tree}`), baseRoot.treeId);
  assert.equal(baseRoot.reused, true, 'bootstrap checked the base out for builds already');
  assert.ok(statSync(join(baseDir, 'usr/bin/make')).nlink >= 2, 'hardlinked from the raw cache');
  const inode = statSync(baseDir).ino;
  const again = await prepareBuildRoot({ repoDir: repo, base: BASE, artifactTrees: [] });
  assert.deepEqual(again, { ...baseRoot, reused: true });
  // Without the remembered inputs, the composition is done again and still finds the checkout.
  rmSync(join(repo, 'hacktree/buildroots/.inputs'), { recursive: true });
  const recomposed = await prepareBuildRoot({ repoDir: repo, base: BASE, artifactTrees: [] });
  assert.deepEqual(recomposed, { ...baseRoot, reused: true });
  assert.equal(statSync(baseDir).ino, inode, 'the same checkout, not a second one');
  assert.deepEqual(readdirSync(join(repo, 'hacktree/buildroots')).filter((n) => !n.startsWith('.')), [baseRoot.treeId]);
});

test('artifacts that ship one path differently are TREE_CONFLICT naming both; a missing base is BASE_ROOT_MISSING', async () => {
  for (const [name, content] of [['one', 'first\n'], ['two', 'second\n']] as const) {
    mkdirSync(join(work, name, 'usr/include'), { recursive: true });
    writeFileSync(join(work, name, 'usr/include/clash.h'), content);
  }
  // An artifact's top directory is its DESTDIR's, not a conflict with the base's `/`.
  chmodSync(join(work, 'one'), 0o700);
  const trees = [await importDevel(join(work, 'one'), 'one'), await importDevel(join(work, 'two'), 'two')];
  const before = readdirSync(join(repo, 'hacktree/buildroots')).sort();
  const conflict = await rejectsWith(prepareBuildRoot({ repoDir: repo, base: BASE, artifactTrees: trees }), 'TREE_CONFLICT');
  assert.match(conflict.message, /usr\/include\/clash\.h/);
  assert.match(conflict.message, /one-devel,/);
  assert.match(conflict.message, /two-devel,/);
  assert.deepEqual(readdirSync(join(repo, 'hacktree/buildroots')).sort(), before, 'no checkout was made');
  const missing = await rejectsWith(prepareBuildRoot({ repoDir: repo, base: 'base/nothing', artifactTrees: [] }), 'BASE_ROOT_MISSING');
  assert.match(missing.message, /base\/nothing/);
  assert.match(missing.hint ?? '', /hacktree bootstrap/);
});

test('builds preparing one new build root at once share its checkouts; a dead process\'s staging is swept', async () => {
  mkdirSync(join(work, 'shared/usr/include'), { recursive: true });
  writeFileSync(join(work, 'shared/usr/include/shared.h'), '#define SHARED 1\n');
  const tree = await importDevel(join(work, 'shared'), 'shared');
  // What checkoutSnapshot stages under, left by a process that no longer exists.
  const abandoned = join(repo, 'hacktree/buildroots', `.${tree}.hacktree-999999999`);
  mkdirSync(join(abandoned, 'usr'), { recursive: true });
  const roots = await Promise.all([0, 1, 2].map(() => prepareBuildRoot({ repoDir: repo, base: BASE, artifactTrees: [tree] })));
  for (const root of roots) assert.deepEqual({ ...root, reused: false }, { ...roots[0]!, reused: false });
  assert.equal(existsSync(abandoned), false);
  assert.equal(readFileSync(join(roots[0]!.layers[1]!, 'usr/include/shared.h'), 'utf8'), '#define SHARED 1\n');
  assert.deepEqual(readdirSync(join(repo, 'hacktree/buildroots')).filter((n) => n.includes('.hacktree-')), []);
});

test('the sandbox has no network, a clean environment, a read-only / and writable /build and /dest', async () => {
  let requests = 0;
  const server: Server = createServer((_req, res) => {
    requests++;
    res.end('hello\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'hello\n', 'the host reaches the server');
    const paths = project('isolation');
    process.env.HACKTREE_HOST_ONLY = 'leaked';
    const script = [
      'env > /build/env.txt',
      'touch /usr/should-fail 2>/dev/null && echo "/ is writable" > /build/rootfs.txt',
      'touch /dest/made-inside',
      `if (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/build/connect.txt; then echo connected >> /build/connect.txt; fi`,
    ].join('; ');
    const status = await runSandboxed({ buildRoot: baseRoot, ...paths, command: ['bash', '-c', script], sourceDateEpoch: EPOCH, env: { EXTRA: 'given' } });
    assert.equal(status, 0, readFileSync(paths.logFile, 'utf8'));
    const env = readFileSync(join(paths.workdir, 'env.txt'), 'utf8');
    assert.doesNotMatch(env, /HACKTREE_HOST_ONLY/);
    for (const line of ['PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', 'TZ=UTC', 'LC_ALL=C', `SOURCE_DATE_EPOCH=${EPOCH}`, 'HOME=/tmp', 'EXTRA=given']) {
      assert.ok(env.split('\n').includes(line), `${line} in:\n${env}`);
    }
    assert.equal(existsSync(join(paths.workdir, 'rootfs.txt')), false, '/ is read-only');
    assert.ok(existsSync(join(paths.destdir, 'made-inside')));
    const connect = readFileSync(join(paths.workdir, 'connect.txt'), 'utf8');
    assert.doesNotMatch(connect, /connected/);
    assert.match(connect, /Connection refused|Network is unreachable/);
    assert.equal(requests, 1, 'only the host\'s own request reached the server');
    assert.equal(await runSandboxed({ buildRoot: baseRoot, ...paths, command: ['sh', '-c', 'exit 7'], sourceDateEpoch: EPOCH }), 7);
  } finally {
    delete process.env.HACKTREE_HOST_ONLY;
    server.close();
  }
});

test('a sandbox that cannot start, or no bwrap at all, is SANDBOX_FAILED', async () => {
  const paths = project('nosandbox');
  const missingDir = await rejectsWith(runSandboxed({ buildRoot: baseRoot, ...paths, workdir: join(work, 'absent'), command: ['true'], sourceDateEpoch: EPOCH }), 'SANDBOX_FAILED');
  assert.match(missingDir.message, /absent/);
  await rejectsWith(runSandboxed({ buildRoot: { ...baseRoot, layers: [join(work, 'no-root')] }, ...paths, command: ['true'], sourceDateEpoch: EPOCH }), 'SANDBOX_FAILED');
  const path = process.env.PATH;
  process.env.PATH = join(work, 'empty-path');
  try {
    const noBwrap = await rejectsWith(runSandboxed({ buildRoot: baseRoot, ...paths, command: ['true'], sourceDateEpoch: EPOCH }), 'SANDBOX_FAILED');
    assert.match(noBwrap.hint ?? '', /apt-get install bubblewrap/);
  } finally {
    process.env.PATH = path;
  }
});

test('opt and debug builds install into /dest with their own CFLAGS; autoreconf ran', async () => {
  const opt = project('opt');
  await autotools(opt, { extraOeconf: ['--disable-dependency-tracking'] });
  assert.equal(readFileSync(join(opt.destdir, 'usr/share/tiny/cflags.txt'), 'utf8'), '-O2 -g\n');
  assert.ok(statSync(join(opt.destdir, 'usr/bin/tiny')).mode & 0o111);
  assert.ok(existsSync(join(opt.workdir, 'tiny-1.0/configure')), 'autoreconf made configure');
  const log = readFileSync(opt.logFile, 'utf8');
  for (const step of ['autoreconf: autoreconf -fi', 'configure: ./configure --prefix=/usr --disable-dependency-tracking', 'make: make -j2', 'install: make install DESTDIR=/dest']) {
    assert.match(log, new RegExp(`^hacktree: ${step.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  }
  const debug = project('debug');
  await autotools(debug, { flavor: 'debug' });
  assert.equal(readFileSync(join(debug.destdir, 'usr/share/tiny/cflags.txt'), 'utf8'), '-O0 -g3\n');
});

test('the same sources built twice, in different directories at different times, pack to identical artifacts', async () => {
  const sums: string[] = [];
  for (const name of ['repro-a', 'repro-b']) {
    const paths = project(name);
    await autotools(paths);
    const packed = await packArtifact({ destdir: paths.destdir, name: 'tiny', version: '1.0', root: '1.0-opt-x86_64', flavor: 'opt', outDir: join(work, name, 'out'), mtime: EPOCH });
    sums.push(`${packed.runtime.sha256} ${packed.devel.sha256}`);
    // A second apart at least, so __DATE__/__TIME__ would differ without SOURCE_DATE_EPOCH.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  }
  assert.equal(sums[0], sums[1]);
});

test('a library only the host has is invisible: configure fails; with its -devel artifact in the build root it builds', async () => {
  assert.ok(existsSync('/usr/include/zlib.h'), 'the host has zlib1g-dev (setup.sh installs it)');
  assert.equal(existsSync(join(baseRoot.layers[0]!, 'usr/include/zlib.h')), false, 'W1 does not');
  const without = project('zlib-missing', { needsZlib: true });
  const failure = await rejectsWith(autotools(without), 'BUILD_FAILED');
  assert.equal((failure.data as { step: string }).step, 'configure');
  assert.ok(failure.message.includes(without.logFile), failure.message);
  assert.match(failure.message, /error: zlib\.h not found/);
  assert.match(failure.hint ?? '', new RegExp(without.logFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

  // zlib's -devel artifact, packed from the host's zlib1g-dev files (W1 already has zlib1g's library).
  const zlibDev = join(work, 'zlib1g-dev');
  for (const path of execFileSync('dpkg', ['-L', 'zlib1g-dev'], { encoding: 'utf8' }).split('\n')) {
    if (path.startsWith('/usr/') && !statSync(path).isDirectory()) cpSync(path, join(zlibDev, path), { verbatimSymlinks: true });
  }
  const zlibTree = await importDevel(zlibDev, 'zlib');
  const zlibRoot = await prepareBuildRoot({ repoDir: repo, base: BASE, artifactTrees: [zlibTree] });
  assert.notEqual(zlibRoot.treeId, baseRoot.treeId);
  assert.equal(git('rev-parse', `${zlibRoot.ref}^{tree}`), zlibRoot.treeId);
  // The base's checkout is shared, the artifact is a layer of its own, stacked in the sandbox.
  assert.deepEqual(zlibRoot.layers, [baseRoot.layers[0], join(repo, 'hacktree/buildroots', zlibTree)]);
  assert.equal(zlibRoot.reused, false);
  assert.equal((await prepareBuildRoot({ repoDir: repo, base: BASE, artifactTrees: [zlibTree] })).reused, true);
  const probe = project('zlib-probe');
  const script = 'test -f /usr/include/zlib.h && test -x /usr/bin/gcc && ! touch /usr/include/x 2>/dev/null && touch /build/ok';
  assert.equal(await runSandboxed({ buildRoot: zlibRoot, ...probe, command: ['sh', '-c', script], sourceDateEpoch: EPOCH }), 0, readFileSync(probe.logFile, 'utf8'));
  assert.ok(existsSync(join(probe.workdir, 'ok')));
  assert.doesNotMatch(readFileSync('/proc/self/mountinfo', 'utf8'), /hacktree-buildroot/, 'the stack lived in the sandbox\'s namespace only');
  const withZlib = project('zlib-present', { needsZlib: true });
  await autotools(withZlib, { buildRoot: zlibRoot });
  assert.ok(existsSync(join(withZlib.destdir, 'usr/bin/tiny')));
});

test('a failing make is BUILD_FAILED at step make with the last 40 lines of the log', async () => {
  const paths = project('make-fails', { failingMake: true });
  const failure = await rejectsWith(autotools(paths), 'BUILD_FAILED');
  const data = failure.data as { step: string; tail: string[]; logFile: string; workdir: string };
  assert.equal(data.step, 'make');
  assert.equal(data.logFile, paths.logFile);
  assert.equal(data.workdir, paths.workdir);
  assert.equal(data.tail.length, 40);
  assert.deepEqual(data.tail, readFileSync(paths.logFile, 'utf8').trimEnd().split('\n').slice(-40));
  assert.match(failure.message, /make output line 60/);
  assert.doesNotMatch(failure.message, /make output line 1\n/);
  assert.ok(existsSync(join(paths.workdir, 'tiny-1.0/Makefile')), 'the work dir is left for --keep-failed');
});
