import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertCliError } from '../../helpers/assertCliError.js';
import { hacktreeCommand, makeTempDir, runHacktree, type RunResult } from '../../helpers/cli.js';
import { gitDir } from '../../helpers/gitDir.js';
import { makeRecipeWorkspace } from '../../helpers/recipeWorkspace.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../../helpers/repoState.js';
import { freshSeededRepo, makeSeededRepo, type SeededRepo } from '../../helpers/seededRepo.js';

// The JSON files hacktree writes and reads back. A record of truth (a build record, a
// deployment state, an imported artifact's record) that does not parse or has the wrong shape is
// RECORD_DAMAGED naming the file, and nothing is written; a cache (the stat cache, the snapshot
// entry cache) is dropped and made again, and the command does what it would have done.

/** The artifact makeSeededRepo imports. */
const ARTIFACT_FILE = 'seed-runtime,b=opt,o=master,r=1-opt-x86_64,v=1,.tar.gz';

let tmp: string;
let seed: SeededRepo;
before(() => {
  tmp = makeTempDir('hacktree-e2e-damaged-records');
  seed = makeSeededRepo(tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function ok(run: RunResult, what: string): RunResult {
  assert.equal(run.status, 0, `${what}: ${run.stdout}${run.stderr}`);
  assert.doesNotMatch(run.stdout + run.stderr, /INTERNAL/);
  return run;
}

/** Two kinds of damage: a write cut short, and valid JSON of another shape. */
const damages: Array<{ what: string; damage: (text: string) => string }> = [
  { what: 'truncated JSON', damage: (text) => text.slice(0, Math.floor(text.length / 2)) },
  { what: 'valid JSON of the wrong shape', damage: () => '{"version": 2, "rows": []}\n' },
];

test('a damaged build record is RECORD_DAMAGED naming it, before anything is built; removing it, as the hint says, plans the build again', (t) => {
  const dir = makeTempDir('hacktree-e2e-damaged-build-record');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = join(dir, 'repo');
  const workspace = makeRecipeWorkspace(join(dir, 'ws'));
  const env = { HACKTREE_REPO: repo, HACKTREE_SOURCE_CACHE: join(dir, 'sources'), HACKTREE_PREFIX: join(dir, 'prefix'), HACKTREE_CACHE: '' };
  const hacktree = (args: string[]) => runHacktree(args, { env, cwd: workspace });
  // A dry run needs only the base's tree, not a toolchain: the seed's small tree stands in for it.
  ok(hacktree(['init']), 'init');
  ok(hacktree(['bootstrap', '--from', seed.goodDir, '--name', 'debian-bookworm-x86_64']), 'bootstrap');

  // A sound record of liba's last build, with another input than now: the plan names the change.
  const record = join(workspace, 'artifacts', '.builds', 'liba,r=1.0-opt-x86_64,b=opt.json');
  mkdirSync(join(workspace, 'artifacts', '.builds'));
  const sound = `${JSON.stringify({
    recipe: 'liba', root: '1.0-opt-x86_64', flavor: 'opt', buildId: 'a'.repeat(64),
    inputs: [{ kind: 'variable', name: 'EXTRA_OECONF', digest: 'e'.repeat(64) }],
    artifacts: ['liba-runtime,b=opt,id=0,o=master,r=1.0-opt-x86_64,v=1.0,.tar.gz'],
  }, null, 2)}\n`;
  writeFileSync(record, sound);
  assert.match(ok(hacktree(['build', '--flavor', 'opt', '--dry-run']), 'dry run').stdout, /^build +liba 1\.0-opt-x86_64 opt: changed: .*variable EXTRA_OECONF(,|$)/m);

  for (const { what, damage } of damages) {
    writeFileSync(record, damage(sound));
    const before = snapshotRepoState(repo);
    for (const args of [['build', '--flavor', 'opt', '--dry-run'], ['build', '--flavor', 'opt']]) {
      const run = hacktree(args);
      assertCliError(run, 'RECORD_DAMAGED', [record]);
      assert.match(run.stderr, /hint: remove it .*next successful build writes it anew/, `${what}: ${run.stderr}`);
    }
    assert.deepEqual(readdirSync(join(workspace, 'artifacts')), ['.builds'], `${what}: nothing built`);
    assert.equal(readFileSync(record, 'utf8'), damage(sound), `${what}: the record is left for the user to see`);
    assertRepoUnchanged(before, snapshotRepoState(repo));
  }
  rmSync(record);
  assert.match(ok(hacktree(['build', '--flavor', 'opt', '--dry-run']), 'dry run').stdout, /^build +liba 1\.0-opt-x86_64 opt: never built$/m);
  assertFsckClean(repo);
});

test('a damaged deployment state is RECORD_DAMAGED naming it, for every command that reads it, and is left as it is', (t) => {
  const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-damaged-deploy-state', t);
  const prefix = join(dir, 'prefix');
  const stateFile = join(prefix, '.real', 'root-web', 'state.json');
  mkdirSync(join(prefix, '.real', 'root-web'), { recursive: true });
  const commit = gitDir(repo, 'rev-parse', 'base');
  // As writeDeployState writes it, for a root deployed once (not mounted here: status says so).
  const sound = `${JSON.stringify({
    root: 'web', prefix, publicPath: join(prefix, 'root-web'),
    current: { id: '20261207T000000Z-1', commit, branch: 'root/web', deployedAt: '2026-12-07T00:00:00.000Z', dir: join(prefix, '.real', 'root-web', '20261207T000000Z-1'), localArtifacts: [], repo },
    previous: null, older: [],
  }, null, 2)}\n`;
  writeFileSync(stateFile, sound);
  assert.match(ok(runHacktree(['root', 'status', '--prefix', prefix], { repo }), 'root status').stdout, new RegExp(`current: +${commit.slice(0, 12)} on root/web`));

  const damagedShapes = [
    ...damages.map(({ what, damage }) => ({ what, text: damage(sound) })),
    { what: 'a deployment without its commit', text: sound.replace(/"commit": "[0-9a-f]+",/, '') },
    { what: 'a relative deployment directory', text: sound.replace(`"dir": "${prefix}`, '"dir": "..') },
  ];
  for (const { what, text } of damagedShapes) {
    writeFileSync(stateFile, text);
    for (const args of [['root', 'status', '--prefix', prefix], ['root', 'status', 'web', '--prefix', prefix], ['root', 'undeploy', 'web', '--prefix', prefix]]) {
      const run = runHacktree(args, { repo });
      assertCliError(run, 'RECORD_DAMAGED', [stateFile]);
      assert.match(run.stderr, /hint: restore it from a backup/, `${what}: ${args.join(' ')}`);
    }
    assert.equal(readFileSync(stateFile, 'utf8'), text, `${what}: the state is left as it was`);
    assert.deepEqual(readdirSync(join(prefix, '.real', 'root-web')), ['state.json'], `${what}: nothing written beside it`);
  }
  writeFileSync(stateFile, sound);
  ok(runHacktree(['root', 'status', '--prefix', prefix], { repo }), 'root status');
  assertFsckClean(repo);
});

test('a damaged artifact record (the "artifact" file of an imported artifact\'s commit) is RECORD_DAMAGED naming its ref', (t) => {
  const { repo } = freshSeededRepo(seed, 'hacktree-e2e-damaged-artifact-record', t);
  const ref = gitDir(repo, 'for-each-ref', '--format=%(refname)', 'refs/hacktree/artifacts/');
  assert.match(ref, /^refs\/hacktree\/artifacts\/[0-9a-f]{64}$/);
  const commit = gitDir(repo, 'rev-parse', ref);
  const listing = gitDir(repo, 'ls-tree', commit);
  const sound = gitDir(repo, 'cat-file', 'blob', `${commit}:artifact`);
  assert.equal(JSON.parse(sound).sha256, ref.split('/').pop());

  const forged = [
    ...damages.map(({ what, damage }) => ({ what, text: damage(sound) })),
    { what: 'the record of another tarball', text: sound.replace(/"sha256": "[0-9a-f]{64}"/, `"sha256": "${'0'.repeat(64)}"`) },
  ];
  for (const { what, text } of forged) {
    // The same commit but for its artifact record: git plumbing, as a damaged or hand-made one would be.
    const blob = spawnSync('git', [`--git-dir=${repo}`, 'hash-object', '-w', '--stdin'], { input: text, encoding: 'utf8' }).stdout.trim();
    const tree = spawnSync('git', [`--git-dir=${repo}`, 'mktree'], { input: `${listing.replace(/^(\d+ blob )[0-9a-f]{40}(\tartifact)$/m, `$1${blob}$2`)}\n`, encoding: 'utf8' }).stdout.trim();
    const forgedCommit = gitDir(repo, 'commit-tree', tree, '-m', 'forged');
    gitDir(repo, 'update-ref', ref, forgedCommit);
    const before = snapshotRepoState(repo);
    for (const args of [['artifact', 'list'], ['artifact', 'show', ARTIFACT_FILE]]) {
      const run = runHacktree(args, { repo });
      assertCliError(run, 'RECORD_DAMAGED', [ref, forgedCommit]);
      assert.doesNotMatch(run.stderr, /INTERNAL/, `${what}: ${run.stderr}`);
    }
    assertRepoUnchanged(before, snapshotRepoState(repo));
  }
  gitDir(repo, 'update-ref', ref, commit);
  assert.match(ok(runHacktree(['artifact', 'list'], { repo }), 'artifact list').stdout, /seed-runtime/);
  assertFsckClean(repo);
});

test('a damaged stat cache is dropped: the commit reads the tree again, records the same tree and writes a sound cache', (t) => {
  const { repo } = freshSeededRepo(seed, 'hacktree-e2e-damaged-stat-cache', t);
  const statCache = join(repo, 'hacktree', 'statcache', createHash('sha1').update(seed.goodDir).digest('hex'));
  const sound = readFileSync(statCache, 'utf8');
  assert.ok(Array.isArray(JSON.parse(sound)), 'the seed commit wrote the cache of its tree');
  const tree = gitDir(repo, 'rev-parse', 'base^{tree}');
  const damaged = [
    ...damages.map(({ what, damage }) => ({ what, text: damage(sound) })),
    { what: 'a row whose blob is no object id', text: sound.replace(/"[0-9a-f]{40}"\]/, '"not-an-object-id"]') },
  ];
  for (const [i, { what, text }] of damaged.entries()) {
    writeFileSync(statCache, text);
    ok(runHacktree(['root', 'commit', `again${i}`, '--tree', `dir=${seed.goodDir}`], { repo }), `commit over ${what}`);
    assert.equal(gitDir(repo, 'rev-parse', `again${i}^{tree}`), tree, `${what}: the same tree`);
    const rows = JSON.parse(readFileSync(statCache, 'utf8')) as unknown[];
    assert.deepEqual(rows, JSON.parse(sound), `${what}: the cache is written anew, as it was`);
  }
  assertFsckClean(repo);
});

test('a snapshot entry cache of the wrong shape behind a sound trailer is ignored and written anew; reads give the real entries', (t) => {
  const { repo } = freshSeededRepo(seed, 'hacktree-e2e-damaged-entry-cache', t);
  const tree = gitDir(repo, 'rev-parse', 'base^{tree}');
  const file = join(repo, 'hacktree', 'statcache', 'entries', tree.slice(0, 2), tree.slice(2));
  const expected = ok(runHacktree(['root', 'cat', 'base', 'README'], { repo }), 'root cat').stdout;
  const sound = readFileSync(file);
  for (const json of ['{"entries": []}', '[{"kind": "socket", "path": "README", "xattrs": []}]', '[{"kind": "file", "path": "README"}]', '[1, 2']) {
    const bytes = Buffer.from(json);
    writeFileSync(file, Buffer.concat([bytes, createHash('sha256').update(bytes).digest()]));
    assert.equal(ok(runHacktree(['root', 'cat', 'base', 'README'], { repo }), 'root cat').stdout, expected, json);
    assert.deepEqual(readFileSync(file), sound, `${json}: the cache is written anew`);
  }
  assertFsckClean(repo);
});

test('a repository under a directory the user may not enter is NOT_PERMITTED naming the user and the path, not "not a hacktree repository"', (t) => {
  const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-repo-not-permitted', t);
  // The repository itself may be world-readable: a 0700 directory above it is enough to lock
  // out the unprivileged user (nobody, uid 65534) the command runs as.
  chmodSync(repo, 0o755);
  chmodSync(dir, 0o700);
  const asNobody = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', hacktreeCommand, 'root', 'list', '--repo', repo], { encoding: 'utf8' });
  const run = { status: asNobody.status ?? -1, stdout: asNobody.stdout, stderr: asNobody.stderr };
  assertCliError(run, 'NOT_PERMITTED', ['uid 65534', join(repo, 'config')]);
  assert.doesNotMatch(run.stderr, /not a hacktree repository/);
  chmodSync(repo, 0o700);
  assertFsckClean(repo);
});
