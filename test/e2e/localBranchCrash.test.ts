import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hacktreeBin, inMountNamespace, makeTempDir } from '../helpers/cli.js';
import { packDir } from '../helpers/debRoot.js';
import { composeTwoComponentRoot, packLocalComponent, TWO_COMPONENT_ROOT } from '../helpers/twoComponentRoot.js';
import { assertFsckClean } from '../helpers/repoState.js';

// install-local killed (SIGKILL) at each of its phases and inside the redeploy it starts: the
// local branch is absent or names a valid commit, the published root is the old or the new
// deployment, complete, fsck is clean, and running the command again finishes the job.
const ROOT = TWO_COMPONENT_ROOT;
const FAILPOINTS = [
  'install-local-after-import',
  'install-local-after-commit',
  'install-local-before-deploy',
  'deploy-after-checkout',
  'deploy-after-state',
  'deploy-after-mount',
  'install-local-after-deploy',
];
let work: string;
let repo: string;
let prefix: string;
let localArtifact: string;

before(() => {
  work = makeTempDir('hacktree-local-crash');
  ({ repo } = composeTwoComponentRoot(work));
  prefix = join(work, 'prefix');
  mkdirSync(prefix);
  // Master's next compose: beta 2, alpha as before.
  const beta2 = join(work, 'data', 'beta2');
  mkdirSync(join(beta2, 'usr/share/beta'), { recursive: true });
  writeFileSync(join(beta2, 'usr/share/beta/file'), 'beta 2\n');
  writeFileSync(join(beta2, 'usr/share/beta/other'), 'beta other\n');
  packDir(beta2, { name: 'beta', version: '2', out: join(work, 'artifacts-2') });
  packDir(join(work, 'data', 'alpha'), { name: 'alpha', version: '1', out: join(work, 'artifacts-2') });
  localArtifact = packLocalComponent(work, 'alpha');
});
after(() => rmSync(work, { recursive: true, force: true }));

test('install-local (and reset, update) killed at each phase leave a valid branch and deployment; the next run finishes', () => {
  const bin = `node ${hacktreeBin} --repo ${repo}`;
  const pub = join(prefix, `root-${ROOT}`);
  const r = inMountNamespace(`
    trap 'echo "failed: $BASH_COMMAND" >&2' ERR
    ${bin} root checkout ${ROOT} --prefix ${prefix} -q
    for fp in ${FAILPOINTS.join(' ')}; do
      if git --git-dir ${repo} rev-parse -q --verify refs/heads/local/root-${ROOT} >/dev/null; then ${bin} root reset ${ROOT} --prefix ${prefix} -q; fi
      test "$(cat ${pub}/usr/share/alpha/file)" = "alpha 1"
      HACKTREE_FAILPOINT=$fp ${bin} root install-local ${localArtifact} --root ${ROOT} --prefix ${prefix} -q && status=0 || status=$?
      branch=$(git --git-dir ${repo} rev-parse -q --verify refs/heads/local/root-${ROOT} || echo absent)
      if [ "$branch" != absent ]; then test "$(git --git-dir ${repo} cat-file -t $branch)" = commit; fi
      published=$(cat ${pub}/usr/share/alpha/file)
      test "$(cat ${pub}/usr/share/beta/file)" = "beta 1"
      # complete: master's alpha has "other", the local one does not
      if [ "$published" = "alpha 1" ]; then test -f ${pub}/usr/share/alpha/other; else test ! -e ${pub}/usr/share/alpha/other; fi
      ${bin} fsck -q >/dev/null
      echo "$fp status=$status branch=$([ "$branch" = absent ] && echo absent || echo present) published=$published"
      ${bin} root install-local ${localArtifact} --root ${ROOT} --prefix ${prefix} -q
      test "$(cat ${pub}/usr/share/alpha/file)" = "alpha local"
      test "$(findmnt -n -o TARGET ${pub} | wc -l)" = 1
    done
    # reset killed after dropping the branch: the next checkout publishes master
    HACKTREE_FAILPOINT=reset-after-delete ${bin} root reset ${ROOT} --prefix ${prefix} -q && status=0 || status=$?
    echo "reset status=$status"
    ! git --git-dir ${repo} rev-parse -q --verify refs/heads/local/root-${ROOT}
    test "$(cat ${pub}/usr/share/alpha/file)" = "alpha local"
    ${bin} fsck -q >/dev/null
    ${bin} root checkout ${ROOT} --prefix ${prefix} -q
    test "$(cat ${pub}/usr/share/alpha/file)" = "alpha 1"
    # update killed after its commit: the next update redeploys the rebased branch
    ${bin} root install-local ${localArtifact} --root ${ROOT} --prefix ${prefix} -q
    ${bin} root compose ${ROOT} --roots ${work}/roots --artifacts ${work}/artifacts-2 -q
    HACKTREE_FAILPOINT=update-after-commit ${bin} root update ${ROOT} --prefix ${prefix} -q && status=0 || status=$?
    echo "update status=$status"
    test "$(git --git-dir ${repo} rev-list --parents -n 1 local/root-${ROOT} | wc -w)" = 2
    test "$(cat ${pub}/usr/share/beta/file)" = "beta 1"
    ${bin} fsck -q >/dev/null
    ${bin} root update ${ROOT} --prefix ${prefix} -q
    test "$(cat ${pub}/usr/share/beta/file)" = "beta 2"
    test "$(cat ${pub}/usr/share/alpha/file)" = "alpha local"
    test "$(findmnt -n -o TARGET ${pub} | wc -l)" = 1
    echo done
  `);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const lines = new Map(r.stdout.trim().split('\n').filter((l) => l.includes('status=')).map((l) => [l.split(' ')[0]!, l]));
  for (const fp of FAILPOINTS) assert.match(lines.get(fp) ?? '', /status=137 /, `${fp} was reached and killed the command`);
  assert.match(lines.get('install-local-after-import')!, /branch=absent published=alpha 1$/);
  assert.match(lines.get('install-local-after-commit')!, /branch=present published=alpha 1$/);
  assert.match(lines.get('install-local-after-deploy')!, /branch=present published=alpha local$/);
  assert.match(r.stdout, /^reset status=137$/m);
  assert.match(r.stdout, /^update status=137$/m);
  for (const fp of ['deploy-after-checkout', 'deploy-after-state', 'deploy-after-mount']) assert.match(lines.get(fp)!, /branch=present published=alpha (1|local)$/);
  assert.match(r.stdout, /done\n$/);
  assertFsckClean(repo);
});
