import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readDeployState } from '../../src/root/deploy/deploymentState.js';
import { CONFIG_ROOT, configScenario, removeConfigRootData, makeConfigWork, recorded, writeScript, type ConfigWork } from '../helpers/configRoot.js';
import { assertFsckClean } from '../helpers/repoState.js';

// `config apply` killed (SIGKILL) at each phase: the published root is the old or the new
// deployment, complete; the branches name valid commits; fsck is clean; the next apply cleans
// up (stale shadows) and finishes (a commit not yet deployed is deployed first).
const works: ConfigWork[] = [];
after(() => {
  for (const w of works) rmSync(w.dir, { recursive: true, force: true });
  removeConfigRootData();
});

// deploy-*: inside the redeploy that follows the commit.
const PHASES = ['config-after-shadow', 'config-after-script', 'config-after-commit', 'deploy-after-checkout', 'deploy-after-state', 'config-after-redeploy'];

for (const phase of PHASES) {
  test(`killed at ${phase}: old or new root published, fsck clean, the next apply finishes`, () => {
    const work = makeConfigWork();
    works.push(work);
    writeScript(work.scripts, '10-motd', 'echo welcome > /etc/motd');
    const apply = `config apply ${CONFIG_ROOT} --prefix '${work.prefix}' --scripts '${work.scripts}'`;
    configScenario(work, `
# Contents only (a new deployment has new directory inodes).
fpc() { (cd "$1" && find . -printf '%p %y %m %U:%G\\n' | sort && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
fpc "$P" > "$W/published.before"
export HACKTREE_FAILPOINT=${phase}
ht crash ${apply}
unset HACKTREE_FAILPOINT
fpc "$P" > "$W/published.crash"
ls '${work.prefix}/.real/root-${CONFIG_ROOT}' > "$W/leftovers"
ht next ${apply}
fpc "$P" > "$W/published.next"
ls '${work.prefix}/.real/root-${CONFIG_ROOT}' > "$W/after-next"
`, { deploy: true });
    const read = (name: string) => readFileSync(join(work.dir, name), 'utf8');
    assert.equal(recorded(work, 'crash').status, 137, `killed at ${phase}: ${recorded(work, 'crash').stderr}`);

    const before = read('published.before');
    const crash = read('published.crash');
    const motd = /^[0-9a-f]{64} {2}\.\/etc\/motd$/m;
    const withoutMotd = (fp: string) => fp.split('\n').filter((l) => !l.startsWith('./etc/motd ') && !motd.test(l)).join('\n');
    if (crash !== before) {
      assert.equal(withoutMotd(crash), withoutMotd(before), 'the published root is the new one, complete');
      assert.match(crash, motd);
    }
    for (const branch of [`root-${CONFIG_ROOT}`, `local/root-${CONFIG_ROOT}`]) {
      const exists = execFileSync('git', [`--git-dir=${work.repo}`, 'for-each-ref', `refs/heads/${branch}`], { encoding: 'utf8' }) !== '';
      if (exists) execFileSync('git', [`--git-dir=${work.repo}`, 'rev-parse', '--verify', '--quiet', `${branch}^{commit}`]);
    }
    if (phase === 'config-after-shadow' || phase === 'config-after-script') {
      assert.match(read('leftovers'), /^config-shadow-\d+$/m, 'the killed apply left its shadow');
    }

    const next = recorded(work, 'next');
    assert.equal(next.status, 0, next.stderr);
    assert.doesNotMatch(read('after-next'), /config-shadow/, 'the next apply removed the stale shadow');
    assert.match(read('published.next'), motd);
    assert.equal(withoutMotd(read('published.next')), withoutMotd(before));
    const state = readDeployState(work.prefix, CONFIG_ROOT)!;
    const tip = execFileSync('git', [`--git-dir=${work.repo}`, 'rev-parse', `local/root-${CONFIG_ROOT}`], { encoding: 'utf8' }).trim();
    assert.equal(state.current!.commit, tip, 'the local branch tip is deployed');
    assert.deepEqual(readdirSync(join(work.prefix, '.real', `root-${CONFIG_ROOT}`)).filter((n) => n.startsWith('config-shadow')), []);
    assertFsckClean(work.repo);
  });
}
