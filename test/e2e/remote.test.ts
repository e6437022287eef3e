import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { assertCliError } from '../helpers/assertCliError.js';
import { hacktreeBin, inMountNamespace, makeTempDir, runHacktree, type RunResult } from '../helpers/cli.js';
import { ensureW1 } from '../fixtures/w1.js';
import { DEB_PACKAGES, hacktreeOk, makeDebRoot, packDir } from '../helpers/debRoot.js';
import { startGitHttpServer, type GitHttpServer } from '../helpers/gitHttpServer.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';

// Publisher and targets on one machine: compose a real root (Debian packages from W1) on the
// publisher, push it through a git smart-HTTP server on 127.0.0.1 (node around git
// http-backend, basic auth on push), pull it into fresh repositories, deploy, run.

const NAME = '1.0-runtime-opt-x86_64';
const BRANCH = `root-${NAME}`;
const PASSWORD = 's3cret-Pa55';
let work: string;
let publisher: string;
let srv: string;
let server: GitHttpServer;
let signed: string;
let unsigned: string;
let otherKey: string;
const creds = () => ({ HACKTREE_REMOTE_DIST_USER: 'publisher', HACKTREE_REMOTE_DIST_PASSWORD: PASSWORD });

const git = (repo: string, ...args: string[]): string => execFileSync('git', [`--git-dir=${repo}`, ...args], { encoding: 'utf8' }).trim();

function newTarget(name: string, url = `${server.url}/dist.git`, extra: string[] = []): string {
  const repo = join(work, name);
  hacktreeOk(repo, ['init']);
  hacktreeOk(repo, ['remote', 'add', 'dist', url, ...extra]);
  return repo;
}

function pull(repo: string, ...args: string[]): RunResult {
  return runHacktree(['pull', 'dist', ...args], { repo });
}

before(async () => {
  work = makeTempDir('hacktree-remote');
  const deb = makeDebRoot(join(work, 'pub'));
  publisher = deb.repo;
  // libc6 too, so the root runs /bin/sh (dash).
  const libc = join(work, 'pub', 'data', 'libc6');
  mkdirSync(libc, { recursive: true });
  const libcDeb = readdirSync(ensureW1().debs).find((f) => f.startsWith('libc6_'))!;
  execFileSync('bash', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -p --numeric-owner -C "$2"', '_', join(ensureW1().debs, libcDeb), libc]);
  packDir(libc, { name: 'libc6', version: '2.36', out: deb.artifacts });
  writeFileSync(join(deb.roots, '1.0.json'), JSON.stringify({ version: '1.0', arches: ['x86_64'], runtime: [...DEB_PACKAGES, 'libc6'] }));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'release', '-f', join(work, 'key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'other', '-f', join(work, 'other')]);
  writeFileSync(join(work, 'allowed'), `release@example.org ${readFileSync(join(work, 'key.pub'), 'utf8')}`);
  hacktreeOk(publisher, ['root', 'compose', NAME, '--roots', deb.roots, '--artifacts', deb.artifacts, '--sign', join(work, 'key')]);
  signed = git(publisher, 'rev-parse', BRANCH);
  mkdirSync(join(work, 'small', 'etc'), { recursive: true });
  writeFileSync(join(work, 'small', 'etc', 'motd'), 'unsigned\n');
  hacktreeOk(publisher, ['root', 'commit', 'root-unsigned', '--tree', `dir=${join(work, 'small')}`, '-q']);
  unsigned = git(publisher, 'rev-parse', 'root-unsigned');
  hacktreeOk(publisher, ['root', 'commit', 'root-other', '--tree', `dir=${join(work, 'small')}`, '--sign', join(work, 'other'), '-q']);
  otherKey = git(publisher, 'rev-parse', 'root-other');
  // A root of random bytes, which shares nothing with the others: the resume test's first root.
  mkdirSync(join(work, 'big'));
  writeFileSync(join(work, 'big', 'noise'), randomBytes(3 << 20));
  hacktreeOk(publisher, ['root', 'commit', 'root-big', '--tree', `dir=${join(work, 'big')}`, '-q']);
  srv = join(work, 'srv');
  mkdirSync(srv);
  execFileSync('git', ['init', '-q', '--bare', join(srv, 'dist.git')]);
  server = await startGitHttpServer({ projectRoot: srv, users: { publisher: PASSWORD } });
  hacktreeOk(publisher, ['remote', 'add', 'dist', `${server.url}/dist.git`]);
});

after(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('remote add/list/remove keep remotes in git config, never with credentials', () => {
  const repo = join(work, 'config-only');
  hacktreeOk(repo, ['init']);
  assertCliError(runHacktree(['remote', 'add', 'x', `http://user:${PASSWORD}@127.0.0.1:1/x.git`], { repo }), 'USAGE', ['***@127.0.0.1']);
  assert.ok(!readFileSync(join(repo, 'config'), 'utf8').includes(PASSWORD));
  assertCliError(runHacktree(['remote', 'add', 'v', 'http://127.0.0.1:1/x.git', '--verify'], { repo }), 'USAGE', ['--allowed-signers']);
  hacktreeOk(repo, ['remote', 'add', 'x', 'http://127.0.0.1:1/x.git']);
  assertCliError(runHacktree(['remote', 'add', 'x', 'http://127.0.0.1:1/y.git'], { repo }), 'REMOTE_EXISTS', ['x']);
  assert.equal(git(repo, 'config', 'remote.x.url'), 'http://127.0.0.1:1/x.git', 'native git sees the remote');
  const list = JSON.parse(hacktreeOk(repo, ['remote', 'list', '--json'])) as Array<{ name: string; url: string }>;
  assert.deepEqual(list.map((r) => [r.name, r.url]), [['x', 'http://127.0.0.1:1/x.git']]);
  // What a pull notes on the branches it moved; remove forgets the removed remote's notes only, as git's branch.*.remote.
  hacktreeOk(repo, ['remote', 'add', 'y', 'http://127.0.0.1:1/y.git']);
  git(repo, 'config', 'branch.root-a.hacktreeRemote', 'x');
  git(repo, 'config', 'branch.root-b.hacktreeRemote', 'y');
  assert.deepEqual(JSON.parse(hacktreeOk(repo, ['remote', 'remove', 'x', '--json'])), { removed: 'x', branches: ['root-a'] });
  assert.equal(spawnSync('git', [`--git-dir=${repo}`, 'config', '--get', 'branch.root-a.hacktreeRemote']).status, 1, 'root-a no longer names x');
  assert.equal(git(repo, 'config', 'branch.root-b.hacktreeRemote'), 'y');
  assertCliError(runHacktree(['remote', 'remove', 'x'], { repo }), 'REMOTE_NOT_FOUND', ['x']);
  assertCliError(runHacktree(['push', 'nope'], { repo }), 'REMOTE_NOT_FOUND', ['nope']);
});

test('push needs the password; a wrong one is AUTH_FAILED and never printed; a 0644 credentials file is refused', () => {
  const before = git(join(srv, 'dist.git'), 'for-each-ref');
  assertCliError(runHacktree(['push', 'dist'], { repo: publisher }), 'AUTH_FAILED', ['dist']);
  const wrong = runHacktree(['push', 'dist'], { repo: publisher, env: { HACKTREE_REMOTE_DIST_USER: 'publisher', HACKTREE_REMOTE_DIST_PASSWORD: 'wrong-guess' } });
  assertCliError(wrong, 'AUTH_FAILED', ['dist']);
  assert.ok(!`${wrong.stdout}${wrong.stderr}`.includes('wrong-guess'), 'the password is not printed');
  const file = join(work, 'credentials');
  writeFileSync(file, `http://publisher:${PASSWORD}@${server.url.slice('http://'.length)}\n`, { mode: 0o644 });
  chmodSync(file, 0o644);
  assertCliError(runHacktree(['push', 'dist'], { repo: publisher, env: { HACKTREE_CREDENTIALS: file } }), 'AUTH_FAILED', [file, '0644']);
  assert.equal(git(join(srv, 'dist.git'), 'for-each-ref'), before, 'nothing was pushed');
  // The credentials file (0600) works, and no secret reaches the repository config.
  chmodSync(file, 0o600);
  const pushed = runHacktree(['push', 'dist'], { repo: publisher, env: { HACKTREE_CREDENTIALS: file } });
  assert.equal(pushed.status, 0, pushed.stderr);
  assert.equal(git(join(srv, 'dist.git'), 'rev-parse', BRANCH), signed);
  assert.ok(!readFileSync(join(publisher, 'config'), 'utf8').includes(PASSWORD));
});

test('pull into an empty repository, fsck clean, deploy and run a program in the root', () => {
  const target = newTarget('target');
  const r = pull(target, NAME);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(git(target, 'rev-parse', BRANCH), signed);
  assert.equal(git(target, 'rev-parse', `refs/remotes/dist/${BRANCH}`), signed);
  assert.equal(git(target, 'for-each-ref', 'refs/hacktree/'), '', 'no quarantine ref stays');
  assertFsckClean(target);
  const prefix = makeTempDir('hacktree-remote-prefix');
  try {
    const run = inMountNamespace(`
      hacktree() { ${process.execPath} ${hacktreeBin} "$@" --repo ${target}; }
      hacktree root checkout ${NAME} --prefix ${prefix} -q
      hacktree root run ${NAME} --prefix ${prefix} -- /bin/sh -c 'echo ok'
      hacktree fsck --prefix ${prefix} -q
    `);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'ok');
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
  assertCliError(pull(target, 'no-such-root'), 'REF_NOT_FOUND', ['dist']);
  // Pulling again is a no-op that still works.
  assert.equal(pull(target, NAME).status, 0);
});

test('signed roots: a --verify remote accepts the allowed key only, and git verify-commit agrees', () => {
  const pushed = runHacktree(['push', 'dist'], { repo: publisher, env: creds() });
  assert.equal(pushed.status, 0, pushed.stderr);
  const allowed = join(work, 'allowed');
  const verify = (commit: string) => spawnSync('git', [`--git-dir=${publisher}`, '-c', `gpg.ssh.allowedSignersFile=${allowed}`, 'verify-commit', commit]).status;
  assert.equal(verify(signed), 0);
  assert.notEqual(verify(unsigned), 0);
  assert.notEqual(verify(otherKey), 0);
  const target = newTarget('verified', undefined, ['--verify', '--allowed-signers', allowed]);
  assert.equal(pull(target, NAME).status, 0);
  const state = snapshotRepoState(target);
  assertCliError(pull(target, 'root-unsigned'), 'SIGNATURE_INVALID', ['root-unsigned', 'not signed']);
  assertCliError(pull(target, 'root-other'), 'SIGNATURE_INVALID', ['root-other']);
  assertRepoUnchanged(state, snapshotRepoState(target));
  assertFsckClean(target);
  // An unsigned commit that reaches the pulled branch another way is not deployed either.
  git(target, 'fetch', '-q', join(srv, 'dist.git'), 'root-unsigned');
  git(target, 'update-ref', `refs/heads/${BRANCH}`, unsigned);
  const prefix = makeTempDir('hacktree-remote-prefix');
  try {
    assertCliError(runHacktree(['root', 'checkout', NAME, '--prefix', prefix], { repo: target }), 'SIGNATURE_INVALID', [BRANCH]);
    assert.deepEqual(readdirSync(prefix), [], 'nothing was deployed');
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
});

test('pull --depth 1 fetches only the newest commit', () => {
  hacktreeOk(publisher, ['root', 'commit', BRANCH, '--tree', `ref=${BRANCH}`, '--tree', `dir=${join(work, 'small')}`, '--union', '--sign', join(work, 'key'), '-q']);
  assert.equal(runHacktree(['push', 'dist', NAME], { repo: publisher, env: creds() }).status, 0);
  const target = newTarget('shallow');
  const r = pull(target, NAME, '--depth', '1');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(git(target, 'rev-list', '--count', BRANCH), '1');
  assert.ok(existsSync(join(target, 'shallow')));
  assert.equal(git(target, 'rev-parse', BRANCH), git(publisher, 'rev-parse', BRANCH));
  assertFsckClean(target);
  assert.match(hacktreeOk(target, ['root', 'cat', NAME, '/etc/motd']), /unsigned/);
  assert.equal((JSON.parse(hacktreeOk(target, ['root', 'log', NAME, '--json'])) as { commits: unknown[] }).commits.length, 1, 'root log stops at the shallow boundary');
});

/** One fault: a clear error, no ref moved, both fscks clean; then the same pull works. */
async function assertFaultRecovers(name: string, setup: (target: string) => Promise<void>, check: (r: RunResult) => void, restore: (target: string) => Promise<void> = async () => server.setFault({ kind: 'none' })): Promise<void> {
  const target = newTarget(`fault-${name}`);
  await setup(target);
  const state = snapshotRepoState(target);
  const r = pull(target, NAME);
  check(r);
  assert.ok(!`${r.stdout}${r.stderr}`.includes(PASSWORD));
  assertRepoUnchanged(state, snapshotRepoState(target));
  assertFsckClean(target);
  await restore(target);
  const again = pull(target, NAME);
  assert.equal(again.status, 0, `${name}: the next pull works:\n${again.stderr}`);
  assert.equal(git(target, 'rev-parse', BRANCH), git(join(srv, 'dist.git'), 'rev-parse', BRANCH));
  assertFsckClean(target);
}

test('faults: HTTP 500, a 404 repository, HTML instead of a pack, a wrong password', async () => {
  await assertFaultRecovers('500', () => server.setFault({ kind: 'status500' }), (r) => assertCliError(r, 'REMOTE_FAILED', ['dist', '500']));
  await assertFaultRecovers('html', () => server.setFault({ kind: 'html' }), (r) => assert.ok([15, 5].includes(r.status) && /error\[(REMOTE_FAILED|PACK_INVALID)\]/.test(r.stderr), r.stderr));
  await assertFaultRecovers(
    '404',
    async (target) => {
      git(target, 'config', 'remote.dist.url', `${server.url}/missing.git`);
    },
    (r) => assertCliError(r, 'REMOTE_FAILED', ['no git repository']),
    async (target) => {
      git(target, 'config', 'remote.dist.url', `${server.url}/dist.git`);
    },
  );
  const locked = await startGitHttpServer({ projectRoot: srv, users: { reader: 'right' }, auth: 'all' });
  try {
    await assertFaultRecovers(
      'password',
      async (target) => {
        git(target, 'config', 'remote.dist.url', `${locked.url}/dist.git`);
        process.env.HACKTREE_REMOTE_DIST_USER = 'reader';
        process.env.HACKTREE_REMOTE_DIST_PASSWORD = 'wrong';
      },
      (r) => {
        assertCliError(r, 'AUTH_FAILED', ['dist']);
        assert.ok(!r.stderr.includes('wrong'.padStart(6, ':')));
      },
      async () => {
        process.env.HACKTREE_REMOTE_DIST_PASSWORD = 'right';
      },
    );
  } finally {
    delete process.env.HACKTREE_REMOTE_DIST_USER;
    delete process.env.HACKTREE_REMOTE_DIST_PASSWORD;
    await locked.stop();
  }
});

test('faults: a pack with a corrupted object, a ref that moved during the pull', async () => {
  // bad.git: dist.git's objects loose, one blob's content replaced (same size, valid zlib).
  const bad = join(srv, 'bad.git');
  execFileSync('git', ['clone', '-q', '--bare', '--no-local', join(srv, 'dist.git'), bad]);
  for (const pack of readdirSync(join(bad, 'objects', 'pack')).filter((f) => f.endsWith('.pack'))) {
    const path = join(bad, 'objects', 'pack', pack);
    const data = readFileSync(path);
    for (const f of readdirSync(join(bad, 'objects', 'pack'))) rmSync(join(bad, 'objects', 'pack', f));
    execFileSync('git', [`--git-dir=${bad}`, 'unpack-objects', '-q'], { input: data });
  }
  const blob = git(bad, 'rev-parse', `${BRANCH}:files/etc/motd`);
  const body = readFileSync(join(work, 'small', 'etc', 'motd'));
  const loose = join(bad, 'objects', blob.slice(0, 2), blob.slice(2));
  chmodSync(loose, 0o644);
  writeFileSync(loose, deflateSync(Buffer.concat([Buffer.from(`blob ${body.length}\0`), Buffer.from('X'.repeat(body.length))])));
  await assertFaultRecovers(
    'corrupt',
    async (target) => void git(target, 'config', 'remote.dist.url', `${server.url}/bad.git`),
    (r) => assertCliError(r, 'PACK_INVALID', ['dist']),
    async (target) => void git(target, 'config', 'remote.dist.url', `${server.url}/dist.git`),
  );
  // The branch is forced elsewhere between the ref advertisement and the pack request.
  const dist = join(srv, 'dist.git');
  const tip = git(dist, 'rev-parse', BRANCH);
  const target = newTarget('fault-moved');
  const state = snapshotRepoState(target);
  await server.setFault({ kind: 'moveRef', repo: dist, ref: `refs/heads/${BRANCH}`, to: unsigned, skip: 1 });
  const r = pull(target, NAME);
  await server.setFault({ kind: 'none' });
  git(dist, 'update-ref', `refs/heads/${BRANCH}`, tip);
  if (r.status === 0) {
    // git served the commit it advertised: the pull is consistent, the branch names it.
    assert.equal(git(target, 'rev-parse', BRANCH), tip);
  } else {
    assertCliError(r, 'REMOTE_FAILED', ['dist']);
    assertRepoUnchanged(state, snapshotRepoState(target));
  }
  assertFsckClean(target);
  assert.equal(pull(target, NAME).status, 0);
  assert.equal(git(target, 'rev-parse', BRANCH), tip);
});

test('the server killed mid-pull: nothing moves; the next pull resumes without refetching the root that arrived', async () => {
  const scratch = newTarget('measure-big');
  const start = await server.packBytes();
  assert.equal(pull(scratch, 'root-big').status, 0);
  const bigBytes = (await server.packBytes()) - start;
  assert.ok(bigBytes > 3 << 20, `root-big's pack is ${bigBytes} bytes`);
  assert.equal(pull(scratch, NAME).status, 0);
  const rootBytes = (await server.packBytes()) - start - bigBytes;

  const target = newTarget('killed');
  const state = snapshotRepoState(target);
  await server.setFault({ kind: 'die', afterBytes: bigBytes + 64 * 1024 });
  const r = pull(target, 'root-big', NAME);
  assertCliError(r, 'REMOTE_FAILED', ['dist']);
  await server.exited();
  assert.deepEqual(Object.fromEntries([...snapshotRepoState(target).refs].filter(([ref]) => ref.startsWith('refs/heads/'))), Object.fromEntries(state.refs));
  assertFsckClean(target);

  server = await startGitHttpServer({ projectRoot: srv, users: { publisher: PASSWORD } });
  git(target, 'config', 'remote.dist.url', `${server.url}/dist.git`);
  const again = pull(target, 'root-big', NAME);
  assert.equal(again.status, 0, again.stderr);
  const resent = await server.packBytes();
  assert.ok(resent < rootBytes + bigBytes / 4, `the resumed pull sent ${resent} bytes: ${NAME} alone is ${rootBytes}, root-big ${bigBytes}`);
  assertFsckClean(target);
});

test('hacktree killed after a fetch or after its checks: no branch moved, fsck clean, the next pull sends almost nothing again', async () => {
  for (const failpoint of ['pull-after-fetch', 'pull-after-checks']) {
    const target = newTarget(`killed-${failpoint}`);
    const start = await server.packBytes();
    const r = runHacktree(['pull', 'dist', NAME], { repo: target, env: { HACKTREE_FAILPOINT: failpoint } });
    assert.equal(r.status, 137, `${failpoint}: killed\n${r.stderr}`);
    const firstBytes = (await server.packBytes()) - start;
    assert.equal(spawnSync('git', [`--git-dir=${target}`, 'rev-parse', '--verify', '-q', BRANCH]).status, 1, `${failpoint}: ${BRANCH} does not exist yet`);
    assertFsckClean(target);
    const again = pull(target, NAME);
    assert.equal(again.status, 0, again.stderr);
    const resent = (await server.packBytes()) - start - firstBytes;
    assert.ok(resent < firstBytes / 20, `${failpoint}: the second pull sent ${resent} bytes, the first ${firstBytes}`);
    assert.equal(git(target, 'rev-parse', BRANCH), git(join(srv, 'dist.git'), 'rev-parse', BRANCH));
    assertFsckClean(target);
  }
});

test('native git gc / repack -adf / pack-refs at any time: read, check out, commit on top, fsck, fsck --repair --from', () => {
  const target = newTarget('packed');
  assert.equal(pull(target, NAME).status, 0);
  git(target, 'gc', '-q', '--prune=now');
  git(target, 'repack', '-q', '-a', '-d', '-f');
  git(target, 'pack-refs', '--all');
  assert.ok(existsSync(join(target, 'packed-refs')));
  assert.match(hacktreeOk(target, ['root', 'list']), new RegExp(BRANCH));
  assert.match(hacktreeOk(target, ['root', 'ls', NAME, '/bin']), /bash/);
  execFileSync('find', [join(target, 'hacktree', 'raw'), '-mindepth', '2', '-delete']);
  const dest = join(work, 'packed-checkout');
  hacktreeOk(target, ['checkout', BRANCH, dest]);
  assert.ok(existsSync(join(dest, 'bin', 'bash')));
  hacktreeOk(target, ['root', 'commit', 'root-extra', '--tree', `ref=${BRANCH}`, '--tree', `dir=${join(work, 'big')}`, '-q']);
  assertFsckClean(target);

  // Damage: a corrupt loose blob (with its raw copy gone) and a missing loose tree.
  for (const pack of readdirSync(join(target, 'objects', 'pack')).filter((f) => f.endsWith('.pack'))) {
    const data = readFileSync(join(target, 'objects', 'pack', pack));
    for (const f of readdirSync(join(target, 'objects', 'pack'))) rmSync(join(target, 'objects', 'pack', f));
    execFileSync('git', [`--git-dir=${target}`, 'unpack-objects', '-q'], { input: data });
  }
  const blob = git(target, 'rev-parse', `${BRANCH}:files/bin/bash`);
  const tree = git(target, 'rev-parse', `${BRANCH}:files/usr/share`);
  writeFileSync(join(target, 'objects', blob.slice(0, 2), blob.slice(2)), 'garbage');
  rmSync(join(target, 'objects', tree.slice(0, 2), tree.slice(2)));
  for (const f of readdirSync(join(target, 'hacktree', 'raw', blob.slice(0, 2))).filter((n) => n.startsWith(blob.slice(2)))) rmSync(join(target, 'hacktree', 'raw', blob.slice(0, 2), f));
  assert.equal(runHacktree(['fsck'], { repo: target }).status, 11);
  assertCliError(runHacktree(['fsck', '--from', 'dist'], { repo: target }), 'USAGE', ['--repair']);
  const repaired = runHacktree(['fsck', '--repair', '--from', 'dist', '--json'], { repo: target });
  assert.equal(repaired.status, 0, repaired.stdout + repaired.stderr);
  const report = JSON.parse(repaired.stdout) as { refetched: string[] };
  assert.deepEqual(report.refetched.sort(), [blob, tree].sort());
  assertFsckClean(target);
  assert.equal(git(target, 'for-each-ref', 'refs/hacktree/'), '', 'no quarantine ref stays');
});
