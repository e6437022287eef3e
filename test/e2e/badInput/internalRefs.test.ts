import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { assertCliError } from '../../helpers/assertCliError.js';
import { makeTempDir, runHacktree, type RunResult } from '../../helpers/cli.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../../helpers/repoState.js';
import { freshSeededRepo, makeSeededRepo, type SeededRepo } from '../../helpers/seededRepo.js';
import { gitDir } from '../../helpers/gitDir.js';

// `root commit BRANCH` writes only the branches a user may write: plain names under
// refs/heads/ that git check-ref-format accepts, root-NAME included, but never a full ref
// (refs/hacktree/* holds imported artifacts, build roots and deployment pins), HEAD, "-x", a
// 40-digit id, local/* or base/*. Each refusal is REF_NAME_INVALID naming the branch, and
// leaves the repository as it was, fsck clean.

let tmp: string;
let seed: SeededRepo;
before(() => {
  tmp = makeTempDir('hacktree-e2e-internal-refs');
  seed = makeSeededRepo(tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const freshRepo = (t: { after: (fn: () => void) => void }) => freshSeededRepo(seed, 'hacktree-e2e-internal-refs-case', t);

const git = gitDir;

function ok(repo: string, args: string[]): RunResult {
  const run = runHacktree(args, { repo });
  assert.equal(run.status, 0, `hacktree ${args.join(' ')}: ${run.stderr}`);
  return run;
}

test("root commit refs/hacktree/artifacts/<sha256> is refused: import and compose keep the artifact's own tree", (t) => {
  const { dir, repo } = freshRepo(t);
  ok(repo, ['artifact', 'import', seed.goodArtifact]);
  const sha256 = createHash('sha256').update(readFileSync(seed.goodArtifact)).digest('hex');
  const artifactRef = `refs/hacktree/artifacts/${sha256}`;
  const before = snapshotRepoState(repo);

  const forged = runHacktree(['root', 'commit', artifactRef, '--tree', `dir=${seed.goodDir}`], { repo });
  assertCliError(forged, 'REF_NAME_INVALID', [`"${artifactRef}"`, 'full ref name']);
  assertRepoUnchanged(before, snapshotRepoState(repo));
  assertFsckClean(repo);

  assert.match(ok(repo, ['artifact', 'import', seed.goodArtifact]).stdout, /already imported/);
  const roots = join(dir, 'roots');
  const artifacts = join(dir, 'artifacts');
  mkdirSync(roots);
  mkdirSync(artifacts);
  writeFileSync(join(roots, '1.json'), JSON.stringify({ version: '1', arches: ['x86_64'], runtime: ['good'] }));
  copyFileSync(seed.goodArtifact, join(artifacts, basename(seed.goodArtifact)));
  ok(repo, ['root', 'compose', '1-runtime-opt-x86_64', '--roots', roots, '--artifacts', artifacts]);
  assert.equal(ok(repo, ['root', 'cat', '1-runtime-opt-x86_64', 'usr/share/good/data']).stdout, 'good artifact\n', 'compose used the imported tree');
  assert.equal(git(repo, 'ls-tree', '--name-only', `${artifactRef}:files/usr/share`), 'good', 'the artifact ref still holds only the artifact');
  assertFsckClean(repo);
});

test('root commit refuses HEAD, full refs, hacktree namespaces, commit ids and names git refuses; nothing is written', (t) => {
  const { repo } = freshRepo(t);
  const before = snapshotRepoState(repo);
  const refused: Array<[string, string]> = [
    ['HEAD', 'HEAD is not a branch name'],
    ['refs/heads/HEAD', 'full ref name'],
    ['refs/heads/base', 'full ref name'],
    ['refs/tags/v1', 'full ref name'],
    [`refs/hacktree/deployed/${'0'.repeat(40)}`, 'full ref name'],
    ['refs/hacktree/buildroots/x', 'full ref name'],
    ['refs/remotes/origin/main', 'full ref name'],
    ['local/root-1-runtime-opt-x86_64', 'local/'],
    ['base/mine', 'base/'],
    ['0123456789abcdef0123456789abcdef01234567', 'commit id'],
    ['a..b', 'not a valid branch or ref name'],
    ['x.lock', 'not a valid branch or ref name'],
    ['has space', 'not a valid branch or ref name'],
    ['a:b', 'not a valid branch or ref name'],
  ];
  for (const [branch, why] of refused) {
    // The plain form runs main's quick path; with --no-union yargs parses it: both refuse.
    for (const extra of [[], ['--no-union']]) {
      const run = runHacktree(['root', 'commit', branch, '--tree', `dir=${seed.goodDir}`, ...extra], { repo });
      assertCliError(run, 'REF_NAME_INVALID', [`"${branch}"`, why]);
    }
  }
  assert.ok(!existsSync(join(repo, 'refs/heads/HEAD')), 'no refs/heads/HEAD');
  assert.equal(git(repo, 'rev-parse', '--verify', 'refs/heads/base'), before.refs.get('refs/heads/base'));
  assertRepoUnchanged(before, snapshotRepoState(repo));
  assertFsckClean(repo);
});

test('root commit writes plain branches and root-NAME; a name that clashes with an existing branch folder is refused', (t) => {
  const { repo } = freshRepo(t);
  ok(repo, ['root', 'commit', 'root-mine', '--tree', `dir=${seed.goodDir}`]);
  ok(repo, ['root', 'commit', 'feature/x', '--tree', `dir=${seed.goodDir}`]);
  assert.deepEqual(git(repo, 'for-each-ref', '--format=%(refname)', 'refs/heads/').split('\n'), ['refs/heads/base', 'refs/heads/feature/x', 'refs/heads/root-mine']);
  const before = snapshotRepoState(repo);
  assertCliError(runHacktree(['root', 'commit', 'feature', '--tree', `dir=${seed.goodDir}`], { repo }), 'REF_NAME_INVALID', ['refs/heads/feature', 'holds other refs']);
  assertCliError(runHacktree(['root', 'commit', 'feature/x/y', '--tree', `dir=${seed.goodDir}`], { repo }), 'REF_NAME_INVALID', ['refs/heads/feature/x/y', 'ref refs/heads/feature/x exists']);
  assertCliError(runHacktree(['root', 'commit', 'root-mine/x', '--tree', `dir=${seed.goodDir}`], { repo }), 'REF_NAME_INVALID', ['ref refs/heads/root-mine exists']);
  assertRepoUnchanged(before, snapshotRepoState(repo));
  assertFsckClean(repo);
});

test('bootstrap --name that would make a bad base/ branch is refused before anything runs', (t) => {
  const { repo } = freshRepo(t);
  const before = snapshotRepoState(repo);
  assertCliError(runHacktree(['bootstrap', '--from', seed.goodDir, '--name', 'a..b'], { repo }), 'REF_NAME_INVALID', ['"base/a..b"']);
  assertRepoUnchanged(before, snapshotRepoState(repo));
  assertFsckClean(repo);
});
