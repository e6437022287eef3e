import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertCliError } from '../helpers/assertCliError.js';
import { hacktreeBin } from '../helpers/cli.js';
import { CONFIG_ROOT, configScenario, removeConfigRootData, makeConfigWork, recorded, writeScript, type ConfigWork } from '../helpers/configRoot.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';

// Scripts that fail, are not executable, never end or try to write outside their shadow: each
// a clear error, and the refs, the store, the deployment and the host are as before.
let work: ConfigWork;
let stateFile: string;

before(() => {
  work = makeConfigWork();
  stateFile = join(work.prefix, '.real', `root-${CONFIG_ROOT}`, 'state.json');
  configScenario(work, '', { deploy: true });
});
after(() => {
  rmSync(work.dir, { recursive: true, force: true });
  removeConfigRootData();
});

/** Runs `hacktree config apply` with `args` in a fresh namespace and checks nothing changed. */
function applyChangingNothing(args: string, extraSteps = ''): ReturnType<typeof recorded> {
  unchangedAfter(`ht apply config apply ${CONFIG_ROOT} --prefix '${work.prefix}' ${args}\n${extraSteps}`);
  return recorded(work, 'apply');
}

/** Runs `steps` in a fresh namespace and checks they changed nothing: refs, store, deployment, no shadow left. */
function unchangedAfter(steps: string): void {
  const repoBefore = snapshotRepoState(work.repo);
  const stateBefore = readFileSync(stateFile, 'utf8');
  const current = (JSON.parse(stateBefore) as { current: { dir: string } }).current.dir;
  configScenario(work, `
fp '${current}' > "$W/deployment.before"
${steps}
fp '${current}' > "$W/deployment.after"`);
  assertRepoUnchanged(repoBefore, snapshotRepoState(work.repo));
  assert.equal(readFileSync(stateFile, 'utf8'), stateBefore, 'the deployment state is as before');
  assert.equal(readFileSync(join(work.dir, 'deployment.after'), 'utf8'), readFileSync(join(work.dir, 'deployment.before'), 'utf8'));
  assert.deepEqual(readdirSync(join(work.prefix, '.real', `root-${CONFIG_ROOT}`)).filter((n) => n.startsWith('config-shadow')), [], 'no shadow left');
}

function resetScripts(): void {
  rmSync(work.scripts, { recursive: true, force: true });
}

test('a failing script: CONFIG_SCRIPT_FAILED names it, its exit status and the end of its output; the earlier script\'s changes are dropped', () => {
  resetScripts();
  writeScript(work.scripts, '10-ok', 'echo fine > /etc/ok');
  writeScript(work.scripts, '20-fail', 'for i in $(seq 1 30); do echo "output line $i"; done; echo "to stderr" >&2; rm /etc/debian_version; exit 3');
  const apply = applyChangingNothing(`--scripts '${work.scripts}'`);
  assertCliError(apply, 'CONFIG_SCRIPT_FAILED', ['20-fail', 'exit status 3']);
  assert.match(apply.stderr, /^output line 30$/m);
  assert.match(apply.stderr, /^to stderr$/m);
  assert.match(apply.stderr, /^output line 12$/m);
  assert.doesNotMatch(apply.stderr, /^output line 10$/m, 'only the last lines of the output');
  assertFsckClean(work.repo);
});

test('a script that is not executable is CONFIG_SCRIPT_INVALID naming it; no script runs', () => {
  resetScripts();
  writeScript(work.scripts, '10-runs', 'echo ran > /etc/ran');
  writeScript(work.scripts, '20-plain', 'echo never', 0o644);
  const apply = applyChangingNothing(`--scripts '${work.scripts}'`);
  assertCliError(apply, 'CONFIG_SCRIPT_INVALID', ['20-plain', 'not executable']);
});

test('a script that never ends is killed after --timeout: CONFIG_SCRIPT_FAILED naming it, no process left', () => {
  resetScripts();
  writeScript(work.scripts, '10-forever', 'echo started; echo x > /etc/partial; while :; do sleep 1; done');
  const started = Date.now();
  const apply = applyChangingNothing(`--scripts '${work.scripts}' --timeout 2`, `pgrep -f 'hacktree-config[.]d/10-forever' > "$W/left" || true`);
  assert.ok(Date.now() - started < 60_000, 'killed well before the test gives up');
  assertCliError(apply, 'CONFIG_SCRIPT_FAILED', ['10-forever', 'longer than 2 s']);
  assert.match(apply.stderr, /^started$/m);
  assert.match(apply.stderr, /--timeout/);
  assert.equal(readFileSync(join(work.dir, 'left'), 'utf8'), '', 'the sandbox and its processes are gone');
});

test('a script that writes outside its shadow cannot: host paths and /proc/1/root lead into the shadow, mount and mknod are refused', () => {
  resetScripts();
  const victim = join(work.dir, 'host-file');
  writeFileSync(victim, 'host\n');
  const current = (JSON.parse(readFileSync(stateFile, 'utf8')) as { current: { dir: string } }).current.dir;
  // With set -e the first refused write fails the script: an error naming it, nothing changed.
  writeScript(work.scripts, '10-escape', `set -e\necho pwned > '${victim}'`);
  const strict = applyChangingNothing(`--scripts '${work.scripts}'`);
  assertCliError(strict, 'CONFIG_SCRIPT_FAILED', ['10-escape', 'exit status']);
  assert.match(strict.stderr, /host-file/);

  // Without set -e it tries every way out; only the shadow changes.
  resetScripts();
  writeScript(work.scripts, '10-escape', [
    `echo pwned > '${victim}'`,
    `echo pwned > '${current}/etc/hostname'`,
    `echo pwned > '/proc/1/root${victim}'`,
    'echo inside > /proc/1/root/etc/escaped',
    `mount -t tmpfs none /mnt && echo mounted > /etc/mounted`,
    'mknod /etc/disk b 8 0 && echo made > /etc/mknod',
    'echo done',
  ].join('\n'));
  const repoBefore = snapshotRepoState(work.repo);
  configScenario(work, `
fp '${current}' > "$W/deployment.before"
ht apply config apply ${CONFIG_ROOT} --prefix '${work.prefix}' --scripts '${work.scripts}' --json
fp '${current}' > "$W/deployment.after"
`);
  const apply = recorded(work, 'apply');
  assert.equal(apply.status, 0, apply.stderr);
  assert.equal(readFileSync(victim, 'utf8'), 'host\n', 'the host file is untouched');
  assert.equal(readFileSync(join(work.dir, 'deployment.after'), 'utf8'), readFileSync(join(work.dir, 'deployment.before'), 'utf8'));
  const result = JSON.parse(apply.stdout) as { changes: Array<{ path: string; status: string }> };
  assert.deepEqual(result.changes.map((c) => `${c.status} ${c.path}`), ['added etc/escaped'], 'only the write through /proc/1/root, which is the shadow');
  assert.notDeepEqual(snapshotRepoState(work.repo).refs, repoBefore.refs);
  assertFsckClean(work.repo);
});

test('--shell without a terminal is a USAGE error', () => {
  resetScripts();
  writeScript(work.scripts, '10-ok', 'true');
  const apply = applyChangingNothing(`--scripts '${work.scripts}' --shell < /dev/null`);
  assertCliError(apply, 'USAGE', ['--shell', 'terminal']);
});

test('--shell on a terminal: a shell in the shadow after the failure, then apply only if confirmed', () => {
  resetScripts();
  writeScript(work.scripts, '10-fail', 'echo half > /etc/half\necho failing\nexit 4');
  // `script` gives hacktree a terminal; the admin's keystrokes come slowly, as from a person.
  const ht = (name: string, answer: string) =>
    `set +e; (sleep 4; printf 'echo fixed > /etc/fixed\\n'; sleep 1; printf 'exit\\n'; sleep 3; printf '${answer}\\n'; sleep 4) | ` +
    `script -qec "node '${hacktreeBin}' --repo '${work.repo}' config apply ${CONFIG_ROOT} --prefix '${work.prefix}' --scripts '${work.scripts}' --shell" /dev/null > "$W/${name}.out" 2>&1; echo $? > "$W/${name}.status"; set -e`;

  // Declined: nothing changes.
  unchangedAfter(ht('declined', 'n'));
  const no = recorded(work, 'declined');
  assert.equal(no.status, 14, no.stdout);
  assert.match(no.stdout, /a shell in the shadow/);
  assert.match(no.stdout, /A \/etc\/fixed/);
  assert.match(no.stdout, /error\[CONFIG_SCRIPT_FAILED\]: config script 10-fail failed with exit status 4; its changes were discarded at your request/);

  // Confirmed: the shadow as the admin left it is committed and deployed.
  const current = () => (JSON.parse(readFileSync(stateFile, 'utf8')) as { current: { commit: string; dir: string } }).current;
  configScenario(work, `${ht('confirmed', 'y')}\ncat "$P/etc/fixed" "$P/etc/half" > "$W/published"`);
  const yes = recorded(work, 'confirmed');
  assert.equal(yes.status, 0, yes.stdout);
  assert.equal(readFileSync(join(work.dir, 'published'), 'utf8'), 'fixed\nhalf\n');
  const message = execFileSync('git', [`--git-dir=${work.repo}`, 'log', '-1', '--format=%B', current().commit], { encoding: 'utf8' });
  assert.match(message, /^config\.d-shell: after 10-fail failed with status 4, changes confirmed in a shell$/m);
  assertFsckClean(work.repo);
});

test('config apply as a non-root user is NOT_PERMITTED, saying it needs root; nothing changed', () => {
  const before = snapshotRepoState(work.repo);
  const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, hacktreeBin, 'config', 'apply', CONFIG_ROOT, '--prefix', work.prefix, '--repo', work.repo], { encoding: 'utf8' });
  assertCliError({ status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr }, 'NOT_PERMITTED', ['config apply', 'needs root']);
  assertRepoUnchanged(before, snapshotRepoState(work.repo));
});
