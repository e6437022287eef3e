import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startGitHttpServer, type GitHttpServer } from '../helpers/gitHttpServer.js';
import { story } from './story.js';

// Automatic updates, as the README tells them: the runtime root follows remote `dist`, a git
// smart-HTTP server on 127.0.0.1 where a publisher ships newer masters; the admin sets a stage
// policy, the timer's command stages the newer master, status shows it, --apply publishes it,
// and --check sees the next one. The publisher is the test's: a mirror of the journey's
// repository whose newer masters add a file on top of the journey's master.
const s = story();
const ROOT = '3.2-runtime-opt-x86_64';
const BRANCH = `root-${ROOT}`;
const PUBLIC = `/opt/hacktree/root-${ROOT}`;
const REPO = '/var/lib/hacktree/repo';
let work: string;
let server: GitHttpServer;
let masterBefore = '';
let configBefore = '';
let release = 1;

const git = (args: string) => s.check(`git --git-dir=${REPO} ${args}`).stdout.trim();
const published = () => s.check(`cat ${PUBLIC}/usr/share/site-release/release`).stdout;

/** The publisher ships a newer master: the last one plus a file saying `release N`. */
function publishNewMaster(): string {
  release++;
  const pub = join(work, 'pub.git');
  const data = join(work, `release-${release}`);
  const script = [
    // A mirror shares the journey repository's objects (hardlinks); hacktree's own settings come along.
    `(test -d ${pub} || (git clone -q --mirror ${REPO} ${pub} && git --git-dir=${REPO} config --get-regexp '^hacktree[.]' | while read -r key value; do git --git-dir=${pub} config "$key" "$value"; done && mkdir ${pub}/hacktree))`,
    `mkdir -p ${data}/usr/share/site-release && echo "release ${release}" > ${data}/usr/share/site-release/release`,
    `hacktree artifact pack ${data} --name site-release --version ${release} --root 3.2-opt-x86_64 --flavor opt --origin local --out ${data}-out -q`,
    `hacktree root install-local ${data}-out/site-release-runtime,*.tar.gz --root ${ROOT} --no-deploy --repo ${pub} -q`,
    `git --git-dir=${pub} push -q ${join(work, 'srv/dist.git')} +refs/heads/local/${BRANCH}:refs/heads/${BRANCH}`,
    `git --git-dir=${pub} rev-parse refs/heads/local/${BRANCH}`,
  ].join(' && ');
  const r = s.check(script);
  assert.equal(r.status, 0, `publishing release ${release}: ${r.stderr}`);
  return r.stdout.trim().split('\n').pop()!;
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'hacktree-journey-upgrade-'));
  mkdirSync(join(work, 'srv'));
  execFileSync('git', ['init', '-q', '--bare', join(work, 'srv', 'dist.git')]);
  server = await startGitHttpServer({ projectRoot: join(work, 'srv') });
  masterBefore = git(`rev-parse refs/heads/${BRANCH}`);
  configBefore = git('config --list --local');
  assert.equal(s.check(`hacktree remote add dist ${server.url}/dist.git`).status, 0);
});
after(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the admin sets a stage policy; the timer\'s command stages the newer master, unpublished; status shows it', () => {
  const staged = publishNewMaster();
  s.step(`hacktree root policy ${ROOT} stage --interval 6h --remote dist`);
  assert.match(s.step('hacktree root policy'), /^3\.2-runtime-opt-x86_64: stage every 6h from dist; last check never$/m);
  const due = s.step('hacktree root upgrade --due');
  assert.match(due, new RegExp(`^root 3\\.2-runtime-opt-x86_64: staged ${staged} \\([0-9a-f]{12} on remote dist\\) in .* \\(policy stage\\)\\nnext due at \\d{4}-`));
  assert.notEqual(s.check(`test -e ${PUBLIC}/usr/share/site-release`).status, 0, 'staged, not published');
  const status = s.step(`hacktree root status ${ROOT}`);
  assert.match(status, new RegExp(`^ {2}staged: +${staged.slice(0, 12)} `, 'm'));
  assert.match(status, /^ {2}upgrade: +last check .* from remote dist: staged/m);
  // Not due again for 6 hours: the timer's next run leaves the root alone.
  assert.match(s.check('hacktree root upgrade --due').stdout, /^no upgrade policy is due\nnext due at /);
});

test('--apply publishes what was staged; --check sees the next master on the remote', () => {
  const applied = s.step(`hacktree root upgrade ${ROOT} --apply`);
  assert.match(applied, /^root 3\.2-runtime-opt-x86_64: published [0-9a-f]{40} /);
  assert.equal(published(), 'release 2\n');
  assert.equal(s.step(`hacktree root run ${ROOT} -- hello`), 'Hello, world!\n');
  const next = publishNewMaster();
  const check = s.step(`hacktree root upgrade ${ROOT} --check`);
  assert.match(check, new RegExp(`^root 3\\.2-runtime-opt-x86_64: an upgrade is available: ${next.slice(0, 12)} on remote dist`));
  assert.equal(published(), 'release 2\n', 'a check changes nothing');
  s.step(`hacktree root policy ${ROOT} off`);
  assert.match(s.check(`hacktree root status ${ROOT}`).stdout, /last check .* from remote dist: available/);
});

// Always runs, whatever failed above: later journeys find the root's master, its deployment and
// the repository's config as before.
test('the journey puts the root\'s master back, redeploys it, and forgets the remote and the policy; fsck is clean', () => {
  s.check('hacktree remote remove dist');
  s.check(`git --git-dir=${REPO} config --remove-section root.${ROOT}`);
  // What the upgrade's pull recorded: where the branch came from.
  s.check(`git --git-dir=${REPO} config --remove-section branch.${BRANCH}`);
  s.check(`git --git-dir=${REPO} for-each-ref --format='delete %(refname)' refs/remotes/dist | git --git-dir=${REPO} update-ref --stdin`);
  s.check(`git --git-dir=${REPO} update-ref refs/heads/${BRANCH} ${masterBefore}`);
  s.check(`rm -f /opt/hacktree/.real/${BRANCH}/upgrade.json`);
  assert.equal(s.check(`hacktree root checkout ${ROOT} -q`).status, 0);
  assert.equal(git(`rev-parse refs/heads/${BRANCH}`), masterBefore);
  assert.equal(git('config --list --local'), configBefore);
  assert.notEqual(s.check(`test -e ${PUBLIC}/usr/share/site-release`).status, 0);
  assert.match(s.check(`hacktree root status ${ROOT}`).stdout, new RegExp(`current: +${masterBefore.slice(0, 12)} on ${BRANCH}`));
  const fsck = s.check('hacktree fsck -q');
  assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
});
