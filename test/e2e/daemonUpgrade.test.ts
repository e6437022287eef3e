import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertCliError } from '../helpers/assertCliError.js';
import { assertOk, makeDaemonWorld, ROOT, startTestDaemon, type DaemonWorld, type TestDaemon } from '../helpers/daemonHarness.js';
import { hacktreeCommand } from '../helpers/cli.js';
import { hacktreeOk, packDir } from '../helpers/debRoot.js';
import { startGitHttpServer, type GitHttpServer } from '../helpers/gitHttpServer.js';
import { assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';

// `root upgrade` through the daemon, and the daemon's own runs of the upgrade policies: a
// publisher composes new masters of the daemon world's root and pushes them through a git
// smart-HTTP server on 127.0.0.1; the world's repository upgrades from it, through the daemon.

const BRANCH = `root-${ROOT}`;
const PASSWORD = 'd43mon-up';
let world: DaemonWorld;
let daemon: TestDaemon;
let socket: string;
let server: GitHttpServer;
let publisher: string;
let version = 1;

const alphaFile = () => readFileSync(world.inside(join(world.publicPath, 'usr/share/alpha/file')), 'utf8');
const ids = (text: string) => text.replace(/[0-9a-f]{40}/g, 'OID').replace(/[0-9a-f]{12}/g, 'ID').replace(/\d{8}T\d{6}Z-ID/g, 'DEPLOYMENT');
const asRootThroughDaemon = (args: string[], sock = socket) => world.asUser('root', sock, args, { HACKTREE_DAEMON: '1' });

/** Composes and pushes a new master of ROOT whose alpha says `alpha N`; returns N's file content. */
function publishNewMaster(): string {
  version++;
  const artifacts = join(world.work, `pub-artifacts-${version}`);
  const alpha = join(world.work, 'pub-data', `alpha-${version}`);
  mkdirSync(join(alpha, 'usr/share/alpha'), { recursive: true });
  writeFileSync(join(alpha, 'usr/share/alpha/file'), `alpha ${version}\n`);
  writeFileSync(join(alpha, 'usr/share/alpha/other'), 'alpha other\n');
  packDir(alpha, { name: 'alpha', version: String(version), out: artifacts });
  packDir(join(world.work, 'data', 'beta'), { name: 'beta', version: '1', out: artifacts });
  hacktreeOk(publisher, ['root', 'compose', ROOT, '--roots', join(world.work, 'roots'), '--artifacts', artifacts, '-q']);
  hacktreeOk(publisher, ['push', 'dist', ROOT], { HACKTREE_REMOTE_DIST_USER: 'publisher', HACKTREE_REMOTE_DIST_PASSWORD: PASSWORD });
  return `alpha ${version}\n`;
}

interface StatusJson {
  staged: { commit: string } | null;
  upgrade: { outcome: string; lastFailure: { code: string } | null } | null;
}
const status = (): StatusJson => (JSON.parse(world.direct(['root', 'status', ROOT, '--json']).stdout) as StatusJson[])[0]!;

function fsckClean(): void {
  const fsck = world.direct(['fsck', '--prefix', world.prefix]);
  assert.equal(fsck.status, 0, `fsck: ${fsck.stdout}${fsck.stderr}`);
}

/** Waits until the daemon's log, after `from`, has a line matching `pattern`; returns that line. */
async function logLine(d: TestDaemon, from: number, pattern: RegExp): Promise<string> {
  // A bound on waiting only (a wrong log must fail, not hang the suite); nothing is timed.
  for (let waited = 0; waited < 1200; waited++) {
    const line = d.log().slice(from).split('\n').find((l) => pattern.test(l));
    if (line !== undefined) return line;
    if (d.process.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`no daemon log line ${pattern}: ${d.log().slice(from)}`);
}

before(async () => {
  world = makeDaemonWorld('dupgrade');
  publisher = join(world.work, 'pub');
  hacktreeOk(publisher, ['init']);
  mkdirSync(join(world.work, 'srv'));
  execFileSync('git', ['init', '-q', '--bare', join(world.work, 'srv', 'dist.git')]);
  server = await startGitHttpServer({ projectRoot: join(world.work, 'srv'), users: { publisher: PASSWORD } });
  hacktreeOk(publisher, ['remote', 'add', 'dist', `${server.url}/dist.git`]);
  hacktreeOk(world.repo, ['remote', 'add', 'dist', `${server.url}/dist.git`]);
  // The root was composed here, not pulled: its policy names the remote it upgrades from.
  hacktreeOk(world.repo, ['root', 'policy', ROOT, '--remote', 'dist']);
  assertOk(world.direct(['root', 'checkout', ROOT, '-q']), 'root checkout');
  socket = join(world.work, 'daemon.sock');
  daemon = await startTestDaemon(world, socket);
  assert.equal(alphaFile(), 'alpha 1\n');
});
after(async () => {
  await daemon?.stop();
  await server?.stop();
  world?.cleanUp();
});

test('an upgrade through the daemon is checked, pulled, staged and applied, printing what the direct path prints', async () => {
  const next = publishNewMaster();
  const check = await asRootThroughDaemon(['root', 'upgrade', ROOT, '--check']);
  assertOk(check, 'check through the daemon');
  assert.match(check.stdout, /^root 1\.0-runtime-opt-x86_64: an upgrade is available: [0-9a-f]{12} on remote dist \(here: [0-9a-f]{12}\)\n$/);
  assert.equal(check.stdout, world.direct(['root', 'upgrade', ROOT, '--check']).stdout);
  const checkJson = await asRootThroughDaemon(['root', 'upgrade', ROOT, '--check', '--json']);
  assert.equal(checkJson.stdout, world.direct(['root', 'upgrade', ROOT, '--check', '--json']).stdout);

  const staged = await asRootThroughDaemon(['root', 'upgrade', ROOT, '--stage']);
  assertOk(staged, 'stage through the daemon');
  assert.match(staged.stdout, /^root 1\.0-runtime-opt-x86_64: staged [0-9a-f]{40} \([0-9a-f]{12} on remote dist\) in .*: published at the next/);
  assert.equal(alphaFile(), 'alpha 1\n', 'staging leaves the published root as it was');
  assert.ok(status().staged !== null);
  const applied = await asRootThroughDaemon(['root', 'upgrade', ROOT, '--apply']);
  assertOk(applied, 'apply through the daemon');
  assert.equal(alphaFile(), next);
  assert.equal(status().staged, null);

  // The same text, ids aside, as root's direct command gives for the next master.
  const third = publishNewMaster();
  const direct = world.direct(['root', 'upgrade', ROOT]);
  assertOk(direct, 'upgrade directly');
  assert.equal(alphaFile(), third);
  const fourth = publishNewMaster();
  const viaDaemon = await asRootThroughDaemon(['root', 'upgrade', ROOT]);
  assertOk(viaDaemon, 'upgrade through the daemon');
  assert.equal(alphaFile(), fourth);
  assert.equal(ids(viaDaemon.stdout), ids(direct.stdout));
  assert.equal(ids(applied.stdout), ids(direct.stdout), 'publishing what was staged says the same');
  const log = daemon.log();
  assert.match(log, /uid 0 upgrade: started\n.*uid 0 upgrade: done/s, 'the upgrade ran in the daemon');
  fsckClean();
});

test('a caller who is not root is refused an upgrade and setting a policy; nothing changes', async () => {
  const next = publishNewMaster();
  const before = snapshotRepoState(world.repo);
  for (const user of [world.developer, world.outsider]) {
    for (const args of [['root', 'upgrade', ROOT], ['root', 'upgrade', '--due'], ['root', 'upgrade', ROOT, '--check']]) {
      const refused = await world.asUser(user, socket, args);
      assertCliError(refused, 'DAEMON_REFUSED', [`user ${user.name}`, 'may not run upgrade through the daemon: it needs root']);
    }
  }
  const policy = await world.asUser(world.developer, socket, ['root', 'policy', ROOT, 'apply']);
  assertCliError(policy, 'NOT_PERMITTED', [`setting the upgrade policy of root ${ROOT} needs root`]);
  assertRepoUnchanged(before, snapshotRepoState(world.repo));
  assert.notEqual(alphaFile(), next);
  assert.equal(status().upgrade?.outcome, 'applied');
  fsckClean();
});

test('an unsigned master on a --verify remote, upgraded through the daemon, is refused: nothing staged, the error code and hint reach the client', async () => {
  // The same server as remote "signed", which takes only commits signed by the release key; the
  // publisher signs nothing.
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'release', '-f', join(world.work, 'release-key')]);
  writeFileSync(join(world.work, 'allowed-signers'), `release@example.org ${readFileSync(join(world.work, 'release-key.pub'), 'utf8')}`);
  hacktreeOk(world.repo, ['remote', 'add', 'signed', `${server.url}/dist.git`, '--verify', '--allowed-signers', join(world.work, 'allowed-signers')]);
  const published = alphaFile();
  publishNewMaster();
  const before = snapshotRepoState(world.repo);
  const state = readFileSync(join(world.prefix, '.real', BRANCH, 'state.json'), 'utf8');
  for (const args of [['root', 'upgrade', ROOT, '--stage', '--remote', 'signed'], ['root', 'upgrade', ROOT, '--remote', 'signed']]) {
    const from = daemon.log().length;
    const refused = await asRootThroughDaemon(args);
    assertCliError(refused, 'SIGNATURE_INVALID', [BRANCH]);
    assert.doesNotMatch(refused.stderr, /INTERNAL/);
    assert.match(daemon.log().slice(from), /uid 0 upgrade: error\[SIGNATURE_INVALID\]/, 'the daemon ran it and failed it');
    // What root's direct command says, word for word.
    const direct = world.direct(args);
    assert.equal(refused.stderr, direct.stderr);
    assert.equal(refused.status, direct.status);
    assertRepoUnchanged(before, snapshotRepoState(world.repo));
    assert.equal(readFileSync(join(world.prefix, '.real', BRANCH, 'state.json'), 'utf8'), state, 'nothing staged');
    assert.equal(status().staged, null);
    assert.equal(status().upgrade?.outcome, 'failed');
    assert.equal(status().upgrade?.lastFailure?.code, 'SIGNATURE_INVALID');
    assert.equal(alphaFile(), published);
  }
  hacktreeOk(world.repo, ['remote', 'remove', 'signed']);
  fsckClean();
});

test('the daemon runs a due stage policy through its queue (on SIGUSR1, as its timer would); root upgrade --due runs due policies once', async () => {
  const usage = world.direct(['root', 'upgrade']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /error\[USAGE\]: give the root to upgrade, or --due/);
  assert.match(world.direct(['root', 'upgrade', ROOT, '--due']).stderr, /error\[USAGE\]: --due runs each root's policy: it takes no 1\.0-runtime-opt-x86_64/);
  const none = world.direct(['root', 'upgrade', '--due']);
  assertOk(none, 'nothing due');
  assert.match(none.stdout, /^no deployed root has an upgrade policy/);

  const published = alphaFile();
  const next = publishNewMaster();
  hacktreeOk(world.repo, ['root', 'policy', ROOT, 'stage', '--interval', '1h', '--remote', 'dist']);
  // The upgrades above were checks too: as if the last one were a day ago, the policy is due.
  backdateLastCheck();
  const from = daemon.log().length;
  daemon.process.kill('SIGUSR1');
  const line = await logLine(daemon, from, /upgrade policy: root .*: staged|policy stage failed/);
  assert.match(line, /^hacktree daemon: upgrade policy: root 1\.0-runtime-opt-x86_64: staged [0-9a-f]{40} \([0-9a-f]{12} on remote dist\) in .* \(policy stage\)$/);
  assert.equal(alphaFile(), published, 'staged, not published');
  assert.ok(status().staged !== null);
  assert.equal(status().upgrade?.outcome, 'staged');
  // A daemon that starts again (socket activation, after its idle exit) leaves it staged: that is no boot.
  await daemon.stop();
  daemon = await startTestDaemon(world, socket);
  // Its first run of the policies comes after its clean-up in the queue, and finds none due.
  assert.match(await logLine(daemon, 0, /upgrade policies: /), /the next is due at /);
  assert.equal(alphaFile(), published, 'still staged after the daemon started again');
  assert.ok(status().staged !== null);

  // Checked a moment ago: not due again for an hour.
  const notDue = await asRootThroughDaemon(['root', 'upgrade', '--due']);
  assertOk(notDue, '--due through the daemon');
  assert.match(notDue.stdout, /^no upgrade policy is due\nnext due at \d{4}-\d\d-\d\dT/);
  const json = JSON.parse(world.direct(['root', 'upgrade', '--due', '--json']).stdout) as { events: unknown[]; nextDueAt: string };
  assert.deepEqual(json.events, []);
  assert.equal(json.nextDueAt, notDue.stdout.split('\n')[1]!.replace('next due at ', ''));

  // Due again (its last check long ago): root upgrade --due, directly, applies the policy once.
  hacktreeOk(world.repo, ['root', 'policy', ROOT, 'apply']);
  backdateLastCheck();
  const due = world.direct(['root', 'upgrade', '--due']);
  assertOk(due, '--due');
  assert.match(due.stdout, /^root 1\.0-runtime-opt-x86_64: published [0-9a-f]{40} .* \(policy apply\)\nnext due at /);
  assert.equal(alphaFile(), next);
  assert.equal(status().staged, null);
  fsckClean();
});

/** Makes the root's last check a day old, as if the daemon had not run since. */
function backdateLastCheck(): void {
  const path = join(world.prefix, '.real', BRANCH, 'upgrade.json');
  const record = JSON.parse(readFileSync(path, 'utf8')) as { lastCheck: string };
  writeFileSync(path, `${JSON.stringify({ ...record, lastCheck: new Date(Date.now() - 86_400_000).toISOString() }, null, 2)}\n`);
}

test('a daemon with an idle exit does not go idle while a policy\'s upgrade is queued or running', async () => {
  const published = alphaFile();
  publishNewMaster();
  hacktreeOk(world.repo, ['root', 'policy', ROOT, 'stage']);
  backdateLastCheck();
  const idle = await startTestDaemon(world, join(world.work, 'idle.sock'), { args: ['--idle-exit', '1'] });
  assert.deepEqual(await idle.exited, { code: 0, signal: null });
  const log = idle.log();
  const staged = log.indexOf('upgrade policy: root 1.0-runtime-opt-x86_64: staged');
  assert.ok(staged >= 0, log);
  assert.ok(log.indexOf('stopping: idle for 1 s') > staged, `idle only after the upgrade: ${log}`);
  assert.equal(alphaFile(), published);
  assertOk(world.direct(['root', 'upgrade', ROOT, '-q']), 'apply what was staged');
});

test('hacktree-upgrade.service\'s command, run as its timer runs it (as root, with the unit\'s environment file), applies a due policy once', async () => {
  const unitsDir = join(dirname(hacktreeCommand), '../systemd');
  const timer = readFileSync(join(unitsDir, 'hacktree-upgrade.timer'), 'utf8');
  assert.match(timer, /^\[Timer\]$/m);
  assert.match(timer, /^OnCalendar=hourly$/m);
  assert.doesNotMatch(timer, /^Unit=/m, 'the timer starts the service of its own name');
  const service = readFileSync(join(unitsDir, 'hacktree-upgrade.service'), 'utf8');
  assert.match(service, /^Type=oneshot$/m);
  assert.doesNotMatch(service, /^User=/m, 'it runs as root');
  const execStart = /^ExecStart=(.*)$/m.exec(service)?.[1];
  const environmentFile = /^EnvironmentFile=-(.*)$/m.exec(service)?.[1];
  assert.ok(execStart !== undefined && environmentFile === '/etc/default/hacktree', service);
  // What an admin puts in /etc/default/hacktree, read as systemd reads it (KEY=VALUE lines).
  const envFile = join(world.work, 'default-hacktree');
  writeFileSync(envFile, `# the repository and prefix of this machine\nHACKTREE_REPO=${world.repo}\nHACKTREE_PREFIX=${world.prefix}\n`);
  const fromFile = Object.fromEntries(readFileSync(envFile, 'utf8').split('\n').filter((l) => /^\w+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const env: NodeJS.ProcessEnv = { PATH: `${dirname(hacktreeCommand)}:/usr/sbin:/usr/bin:/sbin:/bin`, ...fromFile };
  // systemd splits ExecStart on spaces (no quoting in it) and runs it in the machine's mount namespace.
  const argv = execStart.split(' ');
  const runService = () => spawnSync('nsenter', ['-t', String(world.holder.pid), '-m', '--', ...argv], { env, encoding: 'utf8' });

  // The timer is for when no daemon runs (socket-activated, it exited when idle); a running one
  // would apply the policy itself when it wakes.
  await daemon.stop();
  hacktreeOk(world.repo, ['root', 'policy', ROOT, 'apply', '--interval', '1h', '--remote', 'dist']);
  backdateLastCheck();
  const next = publishNewMaster();
  const ran = runService();
  assert.equal(ran.status, 0, ran.stderr);
  assert.match(ran.stdout, /^root 1\.0-runtime-opt-x86_64: published [0-9a-f]{40} .* \(policy apply\)\nnext due at \d{4}-/);
  assert.equal(alphaFile(), next);
  assert.equal(status().upgrade?.outcome, 'applied');
  // The next hour's run: checked a moment ago, not due; nothing changes.
  const before = snapshotRepoState(world.repo);
  publishNewMaster();
  const again = runService();
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /^no upgrade policy is due\nnext due at /);
  assert.equal(alphaFile(), next);
  assertRepoUnchanged(before, snapshotRepoState(world.repo));
  hacktreeOk(world.repo, ['root', 'policy', ROOT, 'off']);
  fsckClean();
  daemon = await startTestDaemon(world, socket);
});

test('the daemon killed (SIGKILL) in the middle of an upgrade: the published root is old or new, complete; the restarted daemon cleans up; fsck is clean', async () => {
  hacktreeOk(world.repo, ['root', 'policy', ROOT, 'off']);
  const crashSocket = join(world.work, 'crash.sock');
  for (const failpoint of ['upgrade-after-pull', 'deploy-after-stage', 'upgrade-after-stage']) {
    const old = alphaFile();
    const next = publishNewMaster();
    const crashing = await startTestDaemon(world, crashSocket, { env: { HACKTREE_FAILPOINT: failpoint } });
    const killed = await asRootThroughDaemon(['root', 'upgrade', ROOT], crashSocket);
    assert.equal((await crashing.exited).signal, 'SIGKILL', failpoint);
    assert.equal(killed.status, 21, `${failpoint}: ${killed.stderr}`);
    assert.match(killed.stderr, /error\[DAEMON_UNAVAILABLE\]: the daemon at .* closed the connection before the operation's result/);
    const published = alphaFile();
    assert.ok(published === old || published === next, `${failpoint}: ${published}`);
    assert.deepEqual(readdirSync(world.inside(join(world.publicPath, 'usr/share/alpha'))).sort(), ['file', 'other'], `${failpoint}: complete`);
    const restarted = await startTestDaemon(world, crashSocket);
    await logLine(restarted, 0, /upgrade policies: none set/);
    const deployDir = world.inside(join(world.prefix, '.real', BRANCH));
    assert.deepEqual(readdirSync(deployDir).filter((e) => e.startsWith('.')), [], `${failpoint}: no staging left`);
    fsckClean();
    const again = await asRootThroughDaemon(['root', 'upgrade', ROOT, '-q'], crashSocket);
    assertOk(again, `${failpoint}: upgrade again`);
    assert.equal(alphaFile(), next, failpoint);
    await restarted.stop();
  }
  fsckClean();
});

test('the server down during a policy the daemon runs is a recorded failure shown by root status; the daemon keeps serving', async () => {
  hacktreeOk(world.repo, ['root', 'policy', ROOT, 'apply', '--interval', '1h']);
  backdateLastCheck();
  await server.stop();
  const before = snapshotRepoState(world.repo);
  const published = alphaFile();
  const from = daemon.log().length;
  daemon.process.kill('SIGUSR1');
  const line = await logLine(daemon, from, /upgrade policy: root .*: policy apply failed|upgrade policy: root .*: published/);
  assert.match(line, /upgrade policy: root 1\.0-runtime-opt-x86_64: policy apply failed: error\[REMOTE_FAILED\]/);
  assertRepoUnchanged(before, snapshotRepoState(world.repo));
  assert.equal(alphaFile(), published);
  // A developer reads the failure through the daemon, which still serves.
  const shown = await world.asUser(world.developer, socket, ['root', 'status', ROOT]);
  assertOk(shown, 'status through the daemon');
  assert.match(shown.stdout, /upgrade: +last check .* from remote dist: failed/);
  assert.match(shown.stdout, /failure: +error\[REMOTE_FAILED\]/);
  assert.equal(daemon.process.exitCode, null);
  // The timer's entry says the same, with a failing exit for systemd.
  backdateLastCheck();
  const due = world.direct(['root', 'upgrade', '--due']);
  assertCliError(due, 'UPGRADE_FAILED', [`root ${ROOT} (error[REMOTE_FAILED])`]);
  assert.match(due.stdout, /policy apply failed: error\[REMOTE_FAILED\]/);
  hacktreeOk(world.repo, ['root', 'policy', ROOT, 'off']);
  fsckClean();
});
