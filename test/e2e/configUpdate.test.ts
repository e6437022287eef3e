import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertFsckClean } from '../helpers/repoState.js';
import { CONFIG_ROOT, configScenario, makeConfigWork, recorded, removeConfigRootData, writeScript, type ConfigWork } from '../helpers/configRoot.js';

// `root update` after config apply: master's new tree, then the admin's config.d scripts run
// again on it (a rebase, never a merge), each config.d commit replayed once per update.
const works: ConfigWork[] = [];
after(() => {
  for (const w of works) rmSync(w.dir, { recursive: true, force: true });
  removeConfigRootData();
});

test('root update re-runs config.d scripts on the new master, once per update, never a merge', () => {
  const work = makeConfigWork();
  works.push(work);
  // Appends: a change replayed twice would show twice.
  writeScript(work.scripts, '10-motd', 'echo configured >> /etc/motd');
  for (const n of [1, 2]) {
    mkdirSync(join(work.dir, `master${n}/usr/share`), { recursive: true });
    writeFileSync(join(work.dir, `master${n}/usr/share/new-in-master-${n}`), `${n}\n`);
  }
  const newMaster = (n: number) =>
    `h root commit root-${CONFIG_ROOT} --tree ref=root-${CONFIG_ROOT} --tree dir="$W/master${n}" --union -q > /dev/null`;
  configScenario(work, `
ht apply config apply ${CONFIG_ROOT} --prefix '${work.prefix}' --scripts '${work.scripts}'
${newMaster(1)}
ht update1 root update ${CONFIG_ROOT} --prefix '${work.prefix}'
cat "$P/etc/motd" > "$W/motd1"; ls "$P/usr/share" | { grep new-in-master || true; } > "$W/new1"
${newMaster(2)}
ht update2 root update ${CONFIG_ROOT} --prefix '${work.prefix}' --json
cat "$P/etc/motd" > "$W/motd2"; ls "$P/usr/share" | { grep new-in-master || true; } > "$W/new2"
`, { deploy: true });
  const read = (name: string) => readFileSync(join(work.dir, name), 'utf8');
  for (const step of ['apply', 'update1', 'update2']) assert.equal(recorded(work, step).status, 0, recorded(work, step).stderr);
  assert.match(recorded(work, 'update1').stdout, /re-ran config\.d scripts: 1 commit\(s\) replayed/);
  assert.equal(read('motd1'), 'configured\n');
  assert.equal(read('new1'), 'new-in-master-1\n');
  assert.equal(read('motd2'), 'configured\n', 'the config.d change is replayed once, not once per earlier update');
  assert.equal(read('new2'), 'new-in-master-1\nnew-in-master-2\n');
  assert.equal((JSON.parse(recorded(work, 'update2').stdout) as { configReplayed: number }).configReplayed, 1);
  const git = (...args: string[]) => execFileSync('git', [`--git-dir=${work.repo}`, ...args], { encoding: 'utf8' }).trim();
  assert.equal(git('rev-list', '--merges', `local/root-${CONFIG_ROOT}`), '', 'no merge commit');
  assert.match(git('log', '-1', '--format=%s', `local/root-${CONFIG_ROOT}`), /^config\.d: 10-motd/);
  assertFsckClean(work.repo);
});
