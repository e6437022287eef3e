import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { readDeployState } from '../../src/root/deploy/deploymentState.js';
import { assertFsckClean } from '../helpers/repoState.js';
import { CONFIG_ROOT, configScenario, removeConfigRootData, makeConfigWork, recorded, writeScript, type ConfigWork } from '../helpers/configRoot.js';
import { makeTempDir } from '../helpers/cli.js';

// config.d on a small real root (dash, bash, coreutils and their libraries from W1's packages):
// the scripts run in a sandbox over an overlayfs shadow of the deployment, what they change is
// committed on local/root-NAME and redeployed, and the deployment they ran over is never written.
const works: ConfigWork[] = [];
after(() => {
  for (const w of works) rmSync(w.dir, { recursive: true, force: true });
  removeConfigRootData();
});

function git(work: ConfigWork, ...args: string[]): string {
  return execFileSync('git', [`--git-dir=${work.repo}`, ...args], { encoding: 'utf8' }).trim();
}

test('the root\'s own config.d scripts edit /etc: A/M/D/m printed, committed, redeployed; the old deployment untouched', () => {
  const work = makeConfigWork();
  works.push(work);
  const layer = makeTempDir('hacktree-config-layer');
  chmodSync(layer, 0o755);
  const body = `set -e
echo welcome >> /etc/motd
echo 'local edit' >> /etc/debian_version
chmod 600 /etc/issue
rm /etc/issue.net
echo 'edited /etc'`;
  writeScript(join(layer, 'etc/hacktree/config.d'), '10-edit', body);
  configScenario(work, `
old=$(sed -n 's/.*"dir": "\\(.*\\)".*/\\1/p' '${work.prefix}/.real/root-${CONFIG_ROOT}/state.json' | head -1)
fp "$old" > "$W/old.before"
ht apply config apply ${CONFIG_ROOT} --prefix '${work.prefix}'
fp "$old" > "$W/old.after"
cat "$P/etc/motd" > "$W/motd"
cat "$P/etc/debian_version" > "$W/debian_version"
stat -c %a "$P/etc/issue" > "$W/issue.mode"
if [ -e "$P/etc/issue.net" ]; then echo present; else echo absent; fi > "$W/issue.net"
if touch "$P/etc/motd" 2>/dev/null; then echo writable; else echo read-only; fi > "$W/published"
ht diff config diff ${CONFIG_ROOT}
`, { deploy: true, extraLayer: layer });
  rmSync(layer, { recursive: true, force: true });
  const read = (name: string) => readFileSync(join(work.dir, name), 'utf8');

  const apply = recorded(work, 'apply');
  assert.equal(apply.status, 0, apply.stderr);
  const lines = ['A /etc/motd', 'M /etc/debian_version', 'm /etc/issue  mode 0644 -> 0600', 'D /etc/issue.net'];
  for (const line of lines) assert.ok(apply.stdout.split('\n').some((l) => l.startsWith(line)), `apply prints "${line}":\n${apply.stdout}`);
  assert.match(apply.stdout, /^1 added, 1 removed, 1 modified, 1 metadata only$/m);

  assert.equal(read('motd'), 'welcome\n');
  assert.match(read('debian_version'), /^12\.\d+\nlocal edit\n$/);
  assert.equal(read('issue.mode').trim(), '600');
  assert.equal(read('issue.net').trim(), 'absent');
  assert.equal(read('published').trim(), 'read-only');
  assert.equal(read('old.after'), read('old.before'), 'the deployment the scripts ran over was not changed');

  const state = readDeployState(work.prefix, CONFIG_ROOT)!;
  const master = git(work, 'rev-parse', `root-${CONFIG_ROOT}`);
  assert.equal(state.current!.commit, git(work, 'rev-parse', `local/root-${CONFIG_ROOT}`));
  assert.equal(state.current!.branch, `local/root-${CONFIG_ROOT}`);
  assert.equal(state.previous!.commit, master);
  assert.equal(git(work, 'rev-parse', `local/root-${CONFIG_ROOT}^`), master, 'committed on top of the deployed commit');
  const sha = createHash('sha256').update(`#!/bin/sh\n${body}\n`).digest('hex');
  const message = git(work, 'log', '-1', '--format=%B', `local/root-${CONFIG_ROOT}`);
  assert.match(message, new RegExp(`^config\\.d: 10-edit ${sha.slice(0, 12)}$`, 'm'));
  assert.match(message, new RegExp(`^config\\.d-script: 10-edit sha256:${sha}$`, 'm'));
  assert.match(message, /^permission changes: 1$/m);
  assert.deepEqual(readdirSync(join(work.prefix, '.real', `root-${CONFIG_ROOT}`)).filter((n) => n.startsWith('config-shadow')), []);

  const diff = recorded(work, 'diff');
  assert.equal(diff.status, 0, diff.stderr);
  for (const line of lines) assert.ok(diff.stdout.split('\n').some((l) => l.startsWith(line)), `config diff prints "${line}":\n${diff.stdout}`);
  assertFsckClean(work.repo);
});

test('--scripts DIR runs its executable files in byte order (dot files and directories skipped); no change, no commit', () => {
  const work = makeConfigWork();
  works.push(work);
  for (const name of ['a', 'B', '9-b', '10-a']) writeScript(work.scripts, name, `echo ${name} >> /etc/order`);
  writeScript(work.scripts, '.hidden', 'echo hidden >> /etc/order');
  writeScript(join(work.scripts, 'sub'), 'x', 'echo sub >> /etc/order');
  const quiet = makeTempDir('hacktree-config-quiet');
  writeScript(quiet, '10-nothing', 'test -e /etc/debian_version && echo looked');
  configScenario(work, `
ht apply config apply ${CONFIG_ROOT} --prefix '${work.prefix}' --scripts '${work.scripts}' --json
cat "$P/etc/order" > "$W/order"
ht again config apply ${CONFIG_ROOT} --prefix '${work.prefix}' --scripts '${quiet}'
`, { deploy: true });
  rmSync(quiet, { recursive: true, force: true });
  const apply = recorded(work, 'apply');
  assert.equal(apply.status, 0, apply.stderr);
  const result = JSON.parse(apply.stdout) as { applied: boolean; scripts: Array<{ name: string }>; summary: { added: number } };
  assert.deepEqual(result.scripts.map((s) => s.name), ['10-a', '9-b', 'B', 'a']);
  assert.equal(result.applied, true);
  assert.equal(readFileSync(join(work.dir, 'order'), 'utf8'), '10-a\n9-b\nB\na\n');
  const tip = git(work, 'rev-parse', `local/root-${CONFIG_ROOT}`);

  const again = recorded(work, 'again');
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /ran 10-nothing: no changes/);
  assert.equal(git(work, 'rev-parse', `local/root-${CONFIG_ROOT}`), tip, 'no commit when nothing changed');
  assertFsckClean(work.repo);
});

test('reapplyConfig (for root update) replays a config.d commit\'s scripts on another base: nothing committed, the result to commit returned', () => {
  const work = makeConfigWork();
  works.push(work);
  writeScript(work.scripts, '10-motd', 'echo welcome >> /etc/motd\nchmod 600 /etc/issue');
  const dist = join(dirname(fileURLToPath(import.meta.url)), '../../src');
  const replay = `
import { openRepository } from '${dist}/store/repository/repository.js';
import { readSnapshot } from '${dist}/store/snapshot/readSnapshot.js';
import { readRef } from '${dist}/store/refs/refs.js';
import { listConfigCommits, reapplyConfig } from '${dist}/root/config/reapplyConfig.js';
const repo = openRepository('${work.repo}');
const master = await readSnapshot(repo, await readRef(repo, 'refs/heads/root-${CONFIG_ROOT}'));
const commits = await listConfigCommits(repo, await readRef(repo, 'refs/heads/local/root-${CONFIG_ROOT}'));
const out = await reapplyConfig({ repo, prefix: '${work.prefix}', name: '${CONFIG_ROOT}', base: master, configCommit: commits[0] });
const motd = out.entries.find((e) => e.path === 'etc/motd');
console.log(JSON.stringify({ commits: commits.length, summary: out.summary, message: out.message, motd: motd && motd.size }));
`;
  writeFileSync(join(work.dir, 'replay.mjs'), replay);
  configScenario(work, `
ht apply config apply ${CONFIG_ROOT} --prefix '${work.prefix}' --scripts '${work.scripts}'
git --git-dir='${work.repo}' for-each-ref > "$W/refs.before"
node "$W/replay.mjs" > "$W/replay.out"
git --git-dir='${work.repo}' for-each-ref > "$W/refs.after"
ls '${work.prefix}/.real/root-${CONFIG_ROOT}' > "$W/staged"
`, { deploy: true });
  assert.equal(recorded(work, 'apply').status, 0, recorded(work, 'apply').stderr);
  const read = (name: string) => readFileSync(join(work.dir, name), 'utf8');
  const out = JSON.parse(read('replay.out')) as { commits: number; summary: Record<string, number>; message: string; motd: number };
  assert.equal(out.commits, 1);
  assert.deepEqual(out.summary, { added: 1, removed: 0, modified: 0, metadata: 1 });
  assert.equal(out.motd, 'welcome\n'.length);
  assert.match(out.message, /^config\.d: 10-motd [0-9a-f]{12}$/m);
  assert.equal(read('refs.after'), read('refs.before'), 'no ref moved');
  assert.doesNotMatch(read('staged'), /config-(base|shadow)/, 'the staged base and shadow are removed');
});
