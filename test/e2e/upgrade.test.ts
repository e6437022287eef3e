import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertCliError } from '../helpers/assertCliError.js';
import { hacktreeBin, inMountNamespace, makeTempDir, runHacktree, type RunResult } from '../helpers/cli.js';
import { hacktreeOk, packDir } from '../helpers/debRoot.js';
import { startGitHttpServer, type GitHttpServer } from '../helpers/gitHttpServer.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';
import { runDueUpgrades } from '../../src/root/upgrade/runDueUpgrades.js';

// A publisher composes small signed roots and pushes them through a git smart-HTTP server on
// 127.0.0.1; a target pulled the root once from that remote (--verify), has a local branch on
// it, and upgrades: check, stage, apply, a kill between stage and publish, a reboot (a fresh
// mount namespace) whose `root mount --all` publishes what was staged.

const NAME = '1.0-runtime-opt-x86_64';
const BRANCH = `root-${NAME}`;
const PASSWORD = 'up-Gr4de';
let work: string;
let publisher: string;
let target: string;
let prefix: string;
let server: GitHttpServer;
let version = 0;

const git = (repo: string, ...args: string[]): string => execFileSync('git', [`--git-dir=${repo}`, ...args], { encoding: 'utf8' }).trim();
const creds = { HACKTREE_REMOTE_DIST_USER: 'publisher', HACKTREE_REMOTE_DIST_PASSWORD: PASSWORD };

/** Composes and pushes a new master whose /usr/bin/hello says `hello N`; returns its commit. */
function publishNewMaster(options: { sign: boolean } = { sign: true }): string {
  version++;
  const artifacts = join(work, `artifacts-${version}`);
  const hello = join(work, 'data', `hello-${version}`);
  mkdirSync(join(hello, 'usr/bin'), { recursive: true });
  writeFileSync(join(hello, 'usr/bin/hello'), `#!/bin/sh\necho hello ${version}\n`, { mode: 0o755 });
  packDir(hello, { name: 'hello', version: String(version), out: artifacts });
  packDir(join(work, 'data', 'motd'), { name: 'motd', version: '1', out: artifacts });
  hacktreeOk(publisher, ['root', 'compose', NAME, '--roots', join(work, 'roots'), '--artifacts', artifacts, ...(options.sign ? ['--sign', join(work, 'key')] : []), '-q']);
  const pushed = runHacktree(['push', 'dist', NAME], { repo: publisher, env: creds });
  assert.equal(pushed.status, 0, pushed.stderr);
  return git(publisher, 'rev-parse', BRANCH);
}

/** Runs a script in a fresh mount namespace (a boot, as far as mounts go) with `hacktree` on the target. */
function inNamespace(script: string): RunResult {
  return inMountNamespace(`
    hacktree() { ${process.execPath} ${hacktreeBin} "$@" --repo ${target} --prefix ${prefix}; }
    published() { cat ${prefix}/${BRANCH}/usr/bin/hello ${prefix}/${BRANCH}/etc/motd | grep -v '^#!'; }
    ${script}
  `);
}

/** The `== NAME` sections a script printed. */
function sections(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  let current = '';
  for (const line of stdout.replace(/\n$/, '').split('\n')) {
    const m = /^== (\S+)$/.exec(line);
    if (m) {
      current = m[1]!;
      out.set(current, '');
    } else out.set(current, `${out.get(current) ?? ''}${line}\n`);
  }
  return out;
}

interface StatusJson {
  current: { commit: string; dir: string };
  staged: { commit: string; dir: string } | null;
  published: boolean;
  upgrade: { lastCheck: string; outcome: string; remote: string; remoteCommit: string | null; deployedCommit: string | null; lastFailure: { code: string; message: string } | null } | null;
}
const status = (): StatusJson => (JSON.parse(hacktreeOk(target, ['root', 'status', NAME, '--json', '--prefix', prefix])) as StatusJson[])[0]!;
const stateFile = () => readFileSync(join(prefix, '.real', BRANCH, 'state.json'), 'utf8');

before(async () => {
  work = makeTempDir('hacktree-upgrade');
  prefix = join(work, 'prefix');
  mkdirSync(prefix);
  mkdirSync(join(work, 'roots'));
  writeFileSync(join(work, 'roots', '1.0.json'), JSON.stringify({ version: '1.0', arches: ['x86_64'], runtime: ['hello', 'motd'] }));
  mkdirSync(join(work, 'data', 'motd', 'etc'), { recursive: true });
  writeFileSync(join(work, 'data', 'motd', 'etc', 'motd'), 'motd from master\n');
  const local = join(work, 'data', 'motd-local');
  mkdirSync(join(local, 'etc'), { recursive: true });
  writeFileSync(join(local, 'etc', 'motd'), 'motd built here\n');
  const localMotd = packDir(local, { name: 'motd', version: '1', out: join(work, 'local'), origin: 'local' });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'release', '-f', join(work, 'key')]);
  writeFileSync(join(work, 'allowed'), `release@example.org ${readFileSync(join(work, 'key.pub'), 'utf8')}`);
  publisher = join(work, 'pub');
  hacktreeOk(publisher, ['init']);
  mkdirSync(join(work, 'srv'));
  execFileSync('git', ['init', '-q', '--bare', join(work, 'srv', 'dist.git')]);
  server = await startGitHttpServer({ projectRoot: join(work, 'srv'), users: { publisher: PASSWORD } });
  hacktreeOk(publisher, ['remote', 'add', 'dist', `${server.url}/dist.git`]);
  publishNewMaster();
  target = join(work, 'target');
  hacktreeOk(target, ['init']);
  hacktreeOk(target, ['remote', 'add', 'dist', `${server.url}/dist.git`, '--verify', '--allowed-signers', join(work, 'allowed')]);
  hacktreeOk(target, ['pull', 'dist', NAME]);
  hacktreeOk(target, ['root', 'install-local', localMotd, '--root', NAME, '--no-deploy']);
  const deployed = inNamespace('hacktree root checkout ' + NAME + ' -q');
  assert.equal(deployed.status, 0, deployed.stderr);
});

after(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('bad input: contradictory flags, an unknown remote, a root without a remote, an undeployed root', () => {
  const state = snapshotRepoState(target);
  assertCliError(runHacktree(['root', 'upgrade', NAME, '--check', '--apply', '--prefix', prefix], { repo: target }), 'USAGE', ['--check', '--apply']);
  assertCliError(runHacktree(['root', 'upgrade', NAME, '--check', '--remote', 'nope', '--prefix', prefix], { repo: target }), 'REMOTE_NOT_FOUND', ['nope']);
  assertCliError(runHacktree(['root', 'upgrade', '2.0-runtime-opt-x86_64', '--prefix', prefix], { repo: target }), 'NOT_DEPLOYED', ['2.0-runtime-opt-x86_64']);
  assertCliError(runHacktree(['root', 'policy', NAME, 'sometimes'], { repo: target }), 'USAGE', ['sometimes']);
  assertCliError(runHacktree(['root', 'policy', NAME, 'check', '--interval', '5s'], { repo: target }), 'USAGE', ['5s']);
  assertCliError(runHacktree(['root', 'policy', NAME, '--remote', 'nope'], { repo: target }), 'REMOTE_NOT_FOUND', ['nope']);
  assertRepoUnchanged(state, snapshotRepoState(target));
  // A root whose branch came from no remote: the failure is the upgrade record's.
  const other = join(work, 'no-remote');
  hacktreeOk(other, ['init']);
  git(other, 'fetch', '-q', target, `${BRANCH}:${BRANCH}`);
  const otherPrefix = join(work, 'other-prefix');
  mkdirSync(otherPrefix);
  const r = inMountNamespace(`${process.execPath} ${hacktreeBin} root checkout ${NAME} --repo ${other} --prefix ${otherPrefix} -q`);
  assert.equal(r.status, 0, r.stderr);
  assertCliError(runHacktree(['root', 'upgrade', NAME, '--check', '--prefix', otherPrefix], { repo: other }), 'REMOTE_NOT_FOUND', [NAME]);
  const shown = runHacktree(['root', 'status', NAME, '--prefix', otherPrefix], { repo: other });
  assert.match(shown.stdout, /failure: +error\[REMOTE_NOT_FOUND\]/);
});

test('--check says a newer master is on the remote and changes nothing; --stage checks it out unpublished; --apply publishes it with the local branch replayed', () => {
  const oldCommit = status().current.commit;
  const newMaster = publishNewMaster();
  const repoBefore = snapshotRepoState(target);
  const stateBefore = stateFile();
  const check = JSON.parse(hacktreeOk(target, ['root', 'upgrade', NAME, '--check', '--json', '--prefix', prefix])) as { outcome: string; remoteCommit: string };
  assert.equal(check.outcome, 'available');
  assert.equal(check.remoteCommit, newMaster);
  assertRepoUnchanged(repoBefore, snapshotRepoState(target));
  assert.equal(git(target, 'rev-parse', BRANCH), repoBefore.refs.get(`refs/heads/${BRANCH}`), 'the branch did not move');
  assert.equal(stateFile(), stateBefore, 'the deployment state is unchanged');
  assert.equal(status().upgrade?.outcome, 'available');
  assert.equal(status().upgrade?.remoteCommit, newMaster);

  const run = inNamespace(`
    hacktree root mount --all -q
    echo "== before"; published
    hacktree root upgrade ${NAME} --stage -q
    echo "== staged"; published
    echo "== status"; hacktree root status ${NAME}
    echo "== fsck-staged"; hacktree fsck
    hacktree root upgrade ${NAME} --apply -q
    echo "== applied"; published
    echo "== again"; hacktree root upgrade ${NAME}
    hacktree fsck -q
  `);
  assert.equal(run.status, 0, run.stderr);
  const out = sections(run.stdout);
  assert.equal(out.get('before'), 'echo hello 1\nmotd built here\n');
  assert.equal(out.get('staged'), 'echo hello 1\nmotd built here\n', 'staging leaves the published root as it was');
  assert.match(out.get('status')!, /staged: +[0-9a-f]{12} on local\/root-1\.0-runtime-opt-x86_64.*published at the next "hacktree root mount --all"/);
  assert.match(out.get('status')!, /upgrade: +last check .* from remote dist: staged/);
  assert.match(out.get('fsck-staged')!, /, 2 deployments: /, 'fsck checks the staged deployment beside the published one');
  assert.equal(out.get('applied'), 'echo hello 2\nmotd built here\n', 'the new master with the local motd on top');
  assert.match(out.get('again')!, /up to date/);
  assert.equal(git(target, 'rev-parse', BRANCH), newMaster);
  const localTip = git(target, 'rev-parse', `local/root-${NAME}`);
  assert.equal(git(target, 'rev-parse', `local/root-${NAME}^`), oldCommit, 'the local branch moved forward from what was deployed');
  const s = status();
  assert.equal(s.current.commit, localTip);
  assert.equal(s.staged, null);
  assert.equal(s.upgrade?.outcome, 'up-to-date');
  assert.equal(s.upgrade?.deployedCommit, localTip);
  assert.equal(s.upgrade?.lastFailure, null);
  assertFsckClean(target);
});

test('a kill between stage and publish leaves the old root published; the next --apply publishes the new one; a staged root is published at boot', () => {
  publishNewMaster();
  const run = inNamespace(`
    hacktree root mount --all -q
    HACKTREE_FAILPOINT=upgrade-after-stage hacktree root upgrade ${NAME} --apply && exit 1 || echo "== killed-$?"
    echo "== after-kill"; published
    echo "== status"; hacktree root status ${NAME} --json
    hacktree root upgrade ${NAME} --apply -q
    echo "== applied"; published
    hacktree fsck -q
  `);
  assert.equal(run.status, 0, run.stderr);
  const out = sections(run.stdout);
  assert.ok(out.has('killed-137'), run.stdout);
  assert.equal(out.get('after-kill'), 'echo hello 2\nmotd built here\n');
  const killed = (JSON.parse(out.get('status')!) as StatusJson[])[0]!;
  assert.ok(killed.staged !== null, 'the kill left the deployment staged');
  assert.equal(out.get('applied'), 'echo hello 3\nmotd built here\n');
  assert.equal(status().current.commit, killed.staged.commit, 'the staged deployment was published, not checked out again');
  assert.equal(status().current.dir, killed.staged.dir);

  publishNewMaster();
  const staged = inNamespace(`hacktree root mount --all -q; hacktree root upgrade ${NAME} --stage -q; published`);
  assert.equal(staged.status, 0, staged.stderr);
  assert.equal(staged.stdout, 'echo hello 3\nmotd built here\n');
  // The next boot.
  const boot = inNamespace(`hacktree root mount --all; published; hacktree fsck -q`);
  assert.equal(boot.status, 0, boot.stderr);
  assert.match(boot.stdout, /^mounted 1\.0-runtime-opt-x86_64 at .*: published the staged [0-9a-f]{40}\necho hello 4\nmotd built here\n$/);
  assert.equal(status().staged, null);
  assertFsckClean(target);
});

test('an upgrade killed at any point leaves the old or the new root published, complete; the next --apply finishes', () => {
  for (const point of ['upgrade-after-pull', 'upgrade-after-replay', 'deploy-after-checkout', 'deploy-after-stage', 'deploy-after-state', 'deploy-after-mount']) {
    const old = `echo hello ${version}\nmotd built here\n`;
    publishNewMaster();
    const now = `echo hello ${version}\nmotd built here\n`;
    const run = inNamespace(`
      hacktree root mount --all -q
      HACKTREE_FAILPOINT=${point} hacktree root upgrade ${NAME} -q && exit 1 || echo "== killed-$?"
      echo "== after-kill"; published
      hacktree root upgrade ${NAME} -q
      echo "== after-apply"; published
      hacktree fsck -q
    `);
    assert.equal(run.status, 0, `${point}: ${run.stdout}${run.stderr}`);
    const out = sections(run.stdout);
    assert.ok(out.has('killed-137'), `${point}: killed there`);
    assert.ok([old, now].includes(out.get('after-kill')!), `${point}: the old or the new root, complete: ${out.get('after-kill')}`);
    assert.equal(out.get('after-apply'), now, point);
    assert.equal(status().staged, null, point);
  }
  assertFsckClean(target);
});

test('an unsigned commit on a --verify remote is refused and nothing is staged', () => {
  publishNewMaster({ sign: false });
  const repoBefore = snapshotRepoState(target);
  const stateBefore = stateFile();
  const run = inNamespace(`hacktree root mount --all -q; hacktree root upgrade ${NAME} --stage`);
  assertCliError(run, 'SIGNATURE_INVALID', [BRANCH]);
  assertRepoUnchanged(repoBefore, snapshotRepoState(target));
  assert.equal(stateFile(), stateBefore, 'nothing staged');
  const s = status();
  assert.equal(s.staged, null);
  assert.equal(s.upgrade?.outcome, 'failed');
  assert.equal(s.upgrade?.lastFailure?.code, 'SIGNATURE_INVALID');
  assertFsckClean(target);
  // A signed master on top is taken again.
  publishNewMaster();
  const again = inNamespace(`hacktree root mount --all -q; hacktree root upgrade ${NAME} -q; published`);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.stdout, `echo hello ${version}\nmotd built here\n`);
  assert.equal(status().upgrade?.lastFailure, null);
});

test('runDueUpgrades runs each root\'s policy when its interval has passed, and records what it found', async () => {
  hacktreeOk(target, ['root', 'policy', NAME, 'check', '--interval', '6h', '--remote', 'dist']);
  assert.deepEqual(JSON.parse(hacktreeOk(target, ['root', 'policy', NAME, '--json', '--prefix', prefix])).map((p: { policy: string; intervalSeconds: number; remote: string }) => [p.policy, p.intervalSeconds, p.remote]), [['check', 21_600, 'dist']]);
  assert.equal(git(target, 'config', `root.${NAME}.upgradePolicy`), 'check', 'kept in the git config, beside the remotes');
  hacktreeOk(target, ['root', 'policy', '2.0-runtime-opt-x86_64', 'apply']);
  const publishedVersion = version;
  const newMaster = publishNewMaster();
  const t0 = new Date('2030-01-01T00:00:00Z');
  const first = await runDueUpgrades({ repoDir: target, prefix, now: t0 });
  assert.deepEqual(first.events.map((e) => [e.kind, e.root]), [['started', NAME], ['done', NAME], ['skipped', '2.0-runtime-opt-x86_64']]);
  const done = first.events[1]!;
  assert.ok(done.kind === 'done' && done.result.outcome === 'available' && done.result.remoteCommit === newMaster);
  assert.equal(first.nextDueAt, '2030-01-01T06:00:00.000Z');
  assert.equal(status().upgrade?.lastCheck, t0.toISOString());
  assert.notEqual(git(target, 'rev-parse', BRANCH), newMaster, 'check pulls nothing');

  const early = await runDueUpgrades({ repoDir: target, prefix, now: new Date('2030-01-01T05:59:00Z') });
  assert.deepEqual(early.events.map((e) => e.kind), ['skipped'], 'not due before its interval');
  assert.equal(early.nextDueAt, '2030-01-01T06:00:00.000Z');
  assert.equal(status().upgrade?.lastCheck, t0.toISOString());

  hacktreeOk(target, ['root', 'policy', NAME, 'off']);
  assert.deepEqual((await runDueUpgrades({ repoDir: target, prefix, now: new Date('2030-02-01T00:00:00Z') })).events.map((e) => e.kind), ['skipped']);

  // stage, through the daemon's entry point, in a mount namespace as the daemon would deploy.
  hacktreeOk(target, ['root', 'policy', NAME, 'stage', '--interval', '1h']);
  const staged = inNamespace(`
    hacktree root mount --all -q
    ${process.execPath} --input-type=module -e '
      const { runDueUpgrades } = await import(${JSON.stringify(join(hacktreeBin, '../../dist/src/root/upgrade/runDueUpgrades.js'))});
      const run = await runDueUpgrades({ repoDir: ${JSON.stringify(target)}, prefix: ${JSON.stringify(prefix)}, now: new Date("2030-01-01T07:00:00Z") });
      console.log(run.events.map((e) => e.kind + ":" + (e.result?.outcome ?? e.error?.code ?? "")).join(" "));
    '
    published
  `);
  assert.equal(staged.status, 0, staged.stderr);
  assert.equal(staged.stdout, `started: done:staged skipped:\necho hello ${publishedVersion}\nmotd built here\n`);
  assert.equal(status().staged?.commit, git(target, 'rev-parse', `local/root-${NAME}`));
  assert.equal(git(target, 'rev-parse', BRANCH), newMaster);
});

test('the server down is a recorded failure, shown by root status, with a non-zero exit; a damaged record is RECORD_DAMAGED', async () => {
  hacktreeOk(target, ['root', 'policy', NAME, 'apply', '--interval', '1h']);
  await server.stop();
  const repoBefore = snapshotRepoState(target);
  const run = inNamespace(`hacktree root mount --all -q; hacktree root upgrade ${NAME}`);
  assertCliError(run, 'REMOTE_FAILED', ['dist']);
  assertRepoUnchanged(repoBefore, snapshotRepoState(target));
  const shown = runHacktree(['root', 'status', NAME, '--prefix', prefix], { repo: target });
  assert.equal(shown.status, 0, shown.stderr);
  assert.match(shown.stdout, /upgrade: +last check .* from remote dist: failed/);
  assert.match(shown.stdout, /failure: +error\[REMOTE_FAILED\] at .*dist/);
  assert.equal(status().upgrade?.lastFailure?.code, 'REMOTE_FAILED');
  // The daemon's run records it the same way and does not throw.
  const due = await runDueUpgrades({ repoDir: target, prefix, now: new Date('2031-01-01T00:00:00Z') });
  const failed = due.events.find((e) => e.kind === 'failed');
  assert.ok(failed?.kind === 'failed' && failed.error.code === 'REMOTE_FAILED');
  assert.equal(status().upgrade?.lastCheck, '2031-01-01T00:00:00.000Z');
  assertFsckClean(target);

  writeFileSync(join(prefix, '.real', BRANCH, 'upgrade.json'), '{"root": 1}\n');
  assertCliError(runHacktree(['root', 'status', NAME, '--prefix', prefix], { repo: target }), 'RECORD_DAMAGED', ['upgrade.json']);
  // The next check writes it whole again (a failure here, with the server down).
  assertCliError(runHacktree(['root', 'upgrade', NAME, '--check', '--prefix', prefix], { repo: target }), 'REMOTE_FAILED');
  assert.equal(status().upgrade?.lastFailure?.code, 'REMOTE_FAILED');
});
