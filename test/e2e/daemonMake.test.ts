import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ensureW1 } from '../fixtures/w1.js';
import { hacktreeCommand, type RunResult } from '../helpers/cli.js';
import { hacktreeOk } from '../helpers/debRoot.js';
import { assertOk, makeDaemonWorld, ROOT, run, startTestDaemon, type DaemonWorld, type TestDaemon, type TestUser } from '../helpers/daemonHarness.js';

// `hacktree make debug` as a developer types it, in a source tree of their own, with the root
// root's and only the daemon writing the repository: the daemon prepares the build root, the
// build runs as the developer over its layers, and install-local goes through the daemon.
const helloLocal = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/hello-local');
const DEVEL = '1.0-devel-opt-x86_64';
let world: DaemonWorld;
let daemon: TestDaemon;
let socket: string;

before(async () => {
  world = makeDaemonWorld('umake');
  hacktreeOk(world.repo, ['bootstrap', '--from', ensureW1().rootfs, '--name', 'debian-bookworm-x86_64', '-q']);
  hacktreeOk(world.repo, ['root', 'compose', DEVEL, '--roots', join(world.work, 'roots'), '--artifacts', join(world.work, 'artifacts')]);
  assertOk(world.direct(['root', 'checkout', ROOT, '-q']), 'root checkout');
  socket = join(world.work, 'daemon.sock');
  daemon = await startTestDaemon(world, socket);
});
after(async () => {
  await daemon?.stop();
  world?.cleanUp();
});

/** A copy of hello-local owned by `user`, a git repository of theirs (so the version is git describe's). */
function sourceTreeOf(user: TestUser): string {
  const home = join(world.work, 'home', user.name);
  const source = join(home, 'hello');
  mkdirSync(home, { recursive: true });
  cpSync(helloLocal, source, { recursive: true });
  execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, home]);
  const git = (...args: string[]) => execFileSync('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', 'git', '-C', source, ...args], { env: { ...process.env, HOME: home } });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'start');
  return source;
}

/** `HACKTREE_ROOT=PUBLIC hacktree make debug` in `source`, as `user`, in the world's mount namespace. */
function makeAs(user: TestUser, source: string): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env, HOME: dirname(source), HACKTREE_REPO: world.repo, HACKTREE_PREFIX: world.prefix, HACKTREE_SOCKET: socket, HACKTREE_ROOT: world.publicPath,
  };
  delete env.HACKTREE_DAEMON;
  const script = `cd '${source}' && exec "$@"`;
  return run('nsenter', ['-t', String(world.holder.pid), '-m', '--', 'setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups',
    '/bin/sh', '-c', script, 'sh', hacktreeCommand, 'make', 'debug', '-j', '2'], env);
}

/** Every path under `dir` owned by `uid`. */
function ownedBy(dir: string, uid: number): string {
  return execFileSync('find', [dir, '-uid', String(uid)], { encoding: 'utf8' });
}

function refs(): string {
  return execFileSync('git', ['-C', world.repo, 'for-each-ref', '--format=%(refname) %(objectname)'], { encoding: 'utf8' });
}

function fsckClean(): void {
  const fsck = world.direct(['fsck', '--prefix', world.prefix]);
  assert.equal(fsck.status, 0, `fsck: ${fsck.stdout}${fsck.stderr}`);
}

test('a developer in the group runs make debug: the build runs as them, only the daemon writes the repository, the published root has the rebuilt component', async () => {
  const source = sourceTreeOf(world.developer);
  execFileSync('sed', ['-i', 's/Hello from hello-local!/Hello from a developer!/', join(source, 'hello.c')]);
  const made = await makeAs(world.developer, source);
  assert.equal(made.status, 0, `make debug: ${made.stderr}${made.stdout}`);
  assert.match(made.stdout, /^hello \S+ built debug against 1\.0-runtime-opt-x86_64: configured and built/m);
  assert.match(made.stdout, /^installed into local\/root-1\.0-runtime-opt-x86_64$/m);

  // What the build made is the developer's: the kept build tree, the log, the artifacts.
  const out = join(source, 'hacktree-out');
  const artifacts = readdirSync(out).filter((f) => f.endsWith('.tar.gz'));
  assert.deepEqual(artifacts.map((f) => f.split(',')[0]).sort(), ['hello-devel', 'hello-runtime']);
  for (const file of [...artifacts.map((f) => join(out, f)), join(out, `work/${ROOT}-debug/src/hello`), join(out, 'hello-debug.log')]) {
    assert.equal(statSync(file).uid, world.developer.uid, `${file} is the developer's`);
  }
  assert.match(readFileSync(join(out, `work/${ROOT}-debug/src/config.log`), 'utf8'), /^CFLAGS='-O0 -g3'/m);
  // ...and packed as root's, as a build run by root packs it.
  const members = execFileSync('tar', ['-tvzf', join(out, artifacts.find((f) => f.startsWith('hello-runtime,'))!), '--numeric-owner'], { encoding: 'utf8' });
  assert.match(members, /^-rwxr-xr-x 0\/0 .* usr\/bin\/hello$/m);

  // Nothing in the repository is the developer's: the daemon wrote the build root and the local branch.
  assert.equal(ownedBy(world.repo, world.developer.uid), '');
  assert.match(refs(), /^refs\/heads\/local\/root-1\.0-runtime-opt-x86_64 /m);
  assert.match(world.direct(['root', 'local', ROOT]).stdout, /hello-runtime,a=x86_64,b=debug,o=local,r=1\.0-opt-x86_64,/);

  const deployed = world.inside(join(world.publicPath, 'usr/bin/hello'));
  assert.ok(readFileSync(deployed).includes('Hello from a developer!'), 'the published root has the rebuilt hello');
  assert.equal(statSync(deployed).uid, 0);
  fsckClean();

  // The group may reach the build roots' layers, and no one else anything in the repository.
  const repoMode = statSync(world.repo);
  assert.equal(repoMode.mode & 0o077, 0o010, 'the repository: search for the group only');
  const outsiderLists = await run('setpriv', [`--reuid=${world.outsider.uid}`, `--regid=${world.outsider.gid}`, '--init-groups', 'ls', join(world.repo, 'hacktree/buildroots')], process.env);
  assert.notEqual(outsiderLists.status, 0);
  assert.match(outsiderLists.stderr, /Permission denied/);

  // A base made by debootstrap records its / as 0700 (its temporary target), and so are the
  // layers checked out from it: the daemon opens each layer's top to its group for the build.
  const buildRoots = join(world.repo, 'hacktree/buildroots');
  const layers = readdirSync(buildRoots).filter((name) => !name.startsWith('.')).map((name) => join(buildRoots, name));
  assert.ok(layers.length >= 2, 'the base and the devel layer');
  for (const layer of layers) chmodSync(layer, 0o700);

  // The next edit: only make runs, in the developer's kept build tree.
  execFileSync('sed', ['-i', 's/Hello from a developer!/Hello again!/', join(source, 'hello.c')]);
  const again = await makeAs(world.developer, source);
  assert.equal(again.status, 0, `make debug again: ${again.stderr}`);
  for (const layer of layers) assert.equal(statSync(layer).mode & 0o7777, 0o755, layer);
  assert.match(again.stdout, /built debug against 1\.0-runtime-opt-x86_64: make only \(configured before/);
  assert.ok(readFileSync(deployed).includes('Hello again!'));
  assert.equal(ownedBy(world.repo, world.developer.uid), '');
});

test('a user outside the group is refused with a clear error naming the operation and the group; nothing in the repository changes', async () => {
  const source = sourceTreeOf(world.outsider);
  const before = refs();
  const published = readFileSync(world.inside(join(world.publicPath, 'usr/bin/hello')));
  const made = await makeAs(world.outsider, source);
  assert.notEqual(made.status, 0);
  assert.match(made.stderr, /error\[DAEMON_REFUSED\]: user htout\S+ \(uid \d+\) may not run build-root through the daemon: it needs root or a member of group htd/);
  assert.match(made.stderr, /usermod -aG htd/);
  assert.doesNotMatch(made.stderr, /INTERNAL/);
  assert.equal(refs(), before);
  assert.ok(readFileSync(world.inside(join(world.publicPath, 'usr/bin/hello'))).equals(published), 'the published root is as it was');
  assert.deepEqual(readdirSync(join(source, 'hacktree-out')).filter((f) => f.endsWith('.tar.gz')), [], 'no artifact');
  fsckClean();
});
