import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Oid } from '../../src/model/git/oid.js';
import { rawEntryPath } from '../../src/store/raw/rawCache.js';
import { readSnapshot } from '../../src/store/snapshot/readSnapshot.js';
import { repositoryAt } from '../../src/store/repository/repository.js';
import { assertCliError } from '../helpers/assertCliError.js';
import { hacktreeBin, inMountNamespace, makeTempDir, runHacktree } from '../helpers/cli.js';
import { writeHandmadeTarball } from '../helpers/handmadeTarball.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../helpers/repoState.js';

// Ten composes of root 1.0-runtime-opt-x86_64 from small artifacts (base, and app v1..v10 whose
// usr/share/app/version changes each time), committed one day apart (the last one now), plus a
// branch "notes" of three directory commits, each with a file of its own. Each test prunes a copy.
const NAME = '1.0-runtime-opt-x86_64';
const BRANCH = `root-${NAME}`;
const DAY = 86_400;
let work: string;
let seed: string;
/** The ten compose commits, oldest first. */
const composes: string[] = [];

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', [`--git-dir=${repo}`, ...args], { encoding: 'utf8' });
}

function ok(repo: string, args: string[], env: Record<string, string> = {}): string {
  const r = runHacktree(args, { repo, env: { HACKTREE_FSYNC: '0', ...env } });
  assert.equal(r.status, 0, `hacktree ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

function copyRepo(name: string): string {
  const dest = join(work, name);
  execFileSync('cp', ['-a', seed, dest]);
  return dest;
}

/** Loose object ids on disk. */
function looseObjects(repo: string): string[] {
  return readdirSync(join(repo, 'objects')).filter((f) => /^[0-9a-f]{2}$/.test(f))
    .flatMap((fan) => readdirSync(join(repo, 'objects', fan)).map((n) => `${fan}${n}`)).sort();
}

/** Raw cache files on disk (absolute paths). */
function rawFiles(repo: string): string[] {
  const raw = join(repo, 'hacktree', 'raw');
  return readdirSync(raw).filter((f) => /^[0-9a-f]{2}$/.test(f)).flatMap((fan) => readdirSync(join(raw, fan)).map((n) => join(raw, fan, n))).sort();
}

/** The raw files the snapshots of these commits need. */
async function rawNeededBy(repo: string, commits: readonly string[]): Promise<string[]> {
  const r = repositoryAt(repo);
  const paths = new Set<string>();
  for (const commit of commits) {
    for (const entry of (await readSnapshot(r, commit as Oid)).entries) if (entry.kind !== 'dir') paths.add(rawEntryPath(r, entry));
  }
  return [...paths].sort();
}

/** Native git's view: every object reachable from every ref (honouring the shallow file). */
function reachableObjects(repo: string, ...revs: string[]): string[] {
  return [...new Set(git(repo, 'rev-list', '--objects', ...(revs.length ? revs : ['--all'])).split('\n').filter(Boolean).map((l) => l.slice(0, 40)))].sort();
}

before(() => {
  work = makeTempDir('hacktree-prune');
  seed = join(work, 'seed');
  const artifacts = join(work, 'artifacts');
  mkdirSync(artifacts);
  mkdirSync(join(work, 'roots'));
  writeFileSync(join(work, 'roots', '1.0.json'), JSON.stringify({ version: '1.0', arches: ['x86_64'], runtime: ['base', 'app'] }));
  writeHandmadeTarball(join(artifacts, 'base-runtime,b=opt,o=master,r=1.0-opt-x86_64,v=1,.tar.gz'), [
    { kind: 'dir', path: '.' },
    { kind: 'file', path: 'etc/base.conf', content: 'base\n' },
    { kind: 'file', path: 'usr/bin/tool', content: '#!/bin/sh\necho tool\n', mode: 0o755 },
  ]);
  ok(seed, ['init']);
  const now = Math.floor(Date.now() / 1000);
  for (let i = 1; i <= 10; i++) {
    writeHandmadeTarball(join(artifacts, `app-runtime,b=opt,o=master,r=1.0-opt-x86_64,v=${i},.tar.gz`), [
      { kind: 'dir', path: '.' },
      { kind: 'file', path: 'usr/share/app/README', content: 'the app\n' },
      { kind: 'file', path: 'usr/share/app/version', content: `${i}\n` },
    ]);
    ok(seed, ['root', 'compose', NAME, '--roots', join(work, 'roots'), '--artifacts', artifacts, '-q'], { SOURCE_DATE_EPOCH: String(now - (10 - i) * DAY) });
    composes.push(git(seed, 'rev-parse', BRANCH).trim());
  }
  for (let i = 1; i <= 3; i++) {
    const dir = join(work, `notes-${i}`);
    mkdirSync(dir);
    writeFileSync(join(dir, `note-${i}`), `note ${i}\n`);
    ok(seed, ['root', 'commit', 'notes', '--tree', `dir=${dir}`, '-m', `note ${i}`, '-q']);
  }
});

after(() => rmSync(work, { recursive: true, force: true }));

test('prune --dry-run changes nothing and reports what prune --keep 2 then removes, byte for byte', () => {
  const repo = copyRepo('dry');
  const before = snapshotRepoState(repo);
  const dry = JSON.parse(ok(repo, ['prune', '--keep', '2', '--dry-run', '--json']));
  const after = snapshotRepoState(repo);
  assertRepoUnchanged(before, after);
  assert.deepEqual([...after.objects.keys()], [...before.objects.keys()], 'no object removed');
  assert.deepEqual([...after.raw.keys()], [...before.raw.keys()], 'no raw file removed');
  assert.ok(!existsSync(join(repo, 'shallow')), 'no shallow file written');
  assert.equal(dry.dryRun, true);
  assert.ok(dry.looseObjects > 0 && dry.rawFiles > 0 && dry.bytes > 0, JSON.stringify(dry));
  const text = ok(repo, ['prune', '--keep', '2', '--dry-run']);
  assert.match(text, new RegExp(`would remove ${dry.looseObjects} objects and ${dry.rawFiles} raw cache files: ${dry.bytes} bytes`));

  const real = JSON.parse(ok(repo, ['prune', '--keep', '2', '--json']));
  assert.equal(real.dryRun, false);
  assert.deepEqual([real.looseObjects, real.rawFiles, real.bytes], [dry.looseObjects, dry.rawFiles, dry.bytes]);
  rmSync(repo, { recursive: true, force: true });
});

test('prune --keep 2 after ten composes leaves exactly what the kept commits need; git and hacktree agree', async () => {
  const repo = copyRepo('keep2');
  const objectsBefore = looseObjects(repo).length;
  // A checkout of the oldest compose leaves its snapshot's entry cache (derived data).
  ok(repo, ['checkout', composes[0]!, join(work, 'keep2-old')]);
  rmSync(join(work, 'keep2-old'), { recursive: true, force: true });
  const oldTree = git(repo, 'rev-parse', `${composes[0]!}^{tree}`).trim();
  const entryCaches = () => {
    const dir = join(repo, 'hacktree/statcache/entries');
    return readdirSync(dir).flatMap((fan) => readdirSync(join(dir, fan)).map((name) => `${fan}${name}`)).sort();
  };
  assert.ok(entryCaches().includes(oldTree));
  const treeMemo = join(repo, 'hacktree/statcache/trees');
  assert.ok(readdirSync(treeMemo).length > 0, 'the composes left files/ tree memos');
  ok(repo, ['prune', '--keep', '2']);
  assert.ok(!existsSync(treeMemo), 'prune empties the files/ tree memo (it names only top trees)');

  // History: the two newest commits of each branch, cut the git-native way.
  assert.deepEqual(git(repo, 'rev-list', BRANCH).split('\n').filter(Boolean), composes.slice(8).reverse());
  assert.equal(git(repo, 'rev-list', 'notes').split('\n').filter(Boolean).length, 2);
  assert.deepEqual(readFileSync(join(repo, 'shallow'), 'utf8').split('\n').filter(Boolean).sort(),
    [composes[8]!, git(repo, 'rev-list', 'notes').split('\n')[1]!].sort());
  assert.equal(spawnSync('git', [`--git-dir=${repo}`, 'log', '--oneline', BRANCH]).status, 0, 'git log accepts the cut history');
  for (const old of composes.slice(0, 8)) {
    assert.notEqual(spawnSync('git', [`--git-dir=${repo}`, 'cat-file', '-e', old]).status, 0, `commit ${old} is gone`);
  }

  // Objects: exactly those reachable from the refs (the kept commits, the artifact imports).
  const onDisk = looseObjects(repo);
  assert.deepEqual(onDisk, reachableObjects(repo));
  const keptCommitsAndArtifacts = reachableObjects(repo, composes[9]!, 'notes', ...git(repo, 'for-each-ref', '--format=%(objectname)', 'refs/hacktree/artifacts/').split('\n').filter(Boolean));
  assert.deepEqual(onDisk, keptCommitsAndArtifacts);
  assert.ok(onDisk.length < objectsBefore, `objects went from ${objectsBefore} to ${onDisk.length}`);

  // Raw cache: exactly what the kept commits' and the imported artifacts' snapshots need.
  const commits = git(repo, 'rev-list', '--all').split('\n').filter(Boolean);
  assert.deepEqual(rawFiles(repo), await rawNeededBy(repo, commits));
  assert.ok(!rawFiles(repo).some((p) => readFileSync(p, 'utf8') === 'note 1\n'), 'the first note\'s raw file is gone');

  // Entry caches: only of trees still there.
  assert.ok(!entryCaches().includes(oldTree), 'the pruned snapshot\'s entry cache is gone');
  for (const tree of entryCaches()) assert.ok(onDisk.includes(tree), `entry cache of ${tree}, a kept tree`);

  assertFsckClean(repo);
  const log = JSON.parse(ok(repo, ['root', 'log', NAME, '--json']));
  assert.equal(log.commits.length, 2);
  const dest = join(work, 'keep2-checkout');
  ok(repo, ['checkout', composes[8]!, dest]);
  assert.equal(readFileSync(join(dest, 'usr/share/app/version'), 'utf8'), '9\n');

  // A second prune finds nothing more to remove.
  const again = JSON.parse(ok(repo, ['prune', '--keep', '2', '--json']));
  assert.deepEqual([again.looseObjects, again.rawFiles], [0, 0]);
  rmSync(dest, { recursive: true, force: true });
  rmSync(repo, { recursive: true, force: true });
});

test('after a native git gc, prune --keep 2 rewrites the packs with exactly what is needed', async () => {
  const repo = copyRepo('packed');
  execFileSync('git', [`--git-dir=${repo}`, 'gc', '-q']);
  assert.deepEqual(looseObjects(repo), [], 'git gc packed every object');
  const report = JSON.parse(ok(repo, ['prune', '--keep', '2', '--json']));
  assert.ok(report.packs > 0 && report.packBytesFreed > 0, JSON.stringify(report));
  const all = git(repo, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)').split('\n').filter(Boolean).sort();
  assert.deepEqual(all, reachableObjects(repo), 'the packs hold exactly what the refs reach');
  assert.equal(git(repo, 'rev-list', BRANCH).split('\n').filter(Boolean).length, 2);
  assert.deepEqual(rawFiles(repo), await rawNeededBy(repo, git(repo, 'rev-list', '--all').split('\n').filter(Boolean)));
  assertFsckClean(repo);
  const dest = join(work, 'packed-checkout');
  ok(repo, ['checkout', BRANCH, dest]);
  assert.equal(readFileSync(join(dest, 'usr/share/app/version'), 'utf8'), '10\n');
  rmSync(dest, { recursive: true, force: true });
  rmSync(repo, { recursive: true, force: true });
});

test('a local branch cut by prune keeps its local record: root update still rebuilds it on a new master', () => {
  const repo = copyRepo('local');
  const prefix = join(work, 'no-prefix');
  const local = join(work, 'app-runtime,b=opt,o=local,r=1.0-opt-x86_64,v=99,.tar.gz');
  writeHandmadeTarball(local, [
    { kind: 'dir', path: '.' },
    { kind: 'file', path: 'usr/share/app/README', content: 'the app\n' },
    { kind: 'file', path: 'usr/share/app/version', content: 'local\n' },
  ]);
  const env = { HACKTREE_PREFIX: prefix };
  ok(repo, ['root', 'install-local', local, '--root', NAME, '--no-deploy', '-q'], env);
  // Master moves on: a compose with base v2, whose etc/base.conf changed.
  const layer = join(work, 'artifacts-11');
  execFileSync('cp', ['-a', join(work, 'artifacts'), layer]);
  writeHandmadeTarball(join(layer, 'base-runtime,b=opt,o=master,r=1.0-opt-x86_64,v=2,.tar.gz'), [
    { kind: 'dir', path: '.' },
    { kind: 'file', path: 'etc/base.conf', content: 'base 11\n' },
    { kind: 'file', path: 'usr/bin/tool', content: '#!/bin/sh\necho tool\n', mode: 0o755 },
  ]);
  ok(repo, ['root', 'compose', NAME, '--roots', join(work, 'roots'), '--artifacts', layer, '-q']);
  ok(repo, ['prune', '--keep', '1', '--prefix', prefix]);
  assert.equal(git(repo, 'rev-list', `local/${BRANCH}`).split('\n').filter(Boolean).length, 1, 'the local branch keeps its record commit only');
  assertFsckClean(repo);
  ok(repo, ['root', 'update', NAME, '--no-deploy', '-q'], env);
  assert.equal(ok(repo, ['root', 'cat', `local/${BRANCH}`, 'usr/share/app/version']), 'local\n');
  assert.equal(ok(repo, ['root', 'cat', `local/${BRANCH}`, 'etc/base.conf']), 'base 11\n');
  assertFsckClean(repo);
  rmSync(layer, { recursive: true, force: true });
  rmSync(local, { force: true });
  rmSync(repo, { recursive: true, force: true });
});

test('prune --older-than keeps the commits of the last days only', () => {
  const repo = copyRepo('older');
  ok(repo, ['prune', '--older-than', '84h']);
  // Commits are one day apart, the newest now: 3.5 days keep the newest four.
  assert.deepEqual(git(repo, 'rev-list', BRANCH).split('\n').filter(Boolean), composes.slice(6).reverse());
  assertFsckClean(repo);
  rmSync(repo, { recursive: true, force: true });
});

test('prune --keep 0 never removes a deployed commit: its objects and raw files stay and its fsck stays clean', async () => {
  const repo = copyRepo('deployed');
  const prefix = join(work, 'prefix');
  mkdirSync(prefix);
  const old = composes[2]!;
  const scenario = (script: string) => {
    const r = inMountNamespace(`
      export HACKTREE_FSYNC=0
      H() { node ${hacktreeBin} --repo ${repo} "$@"; }
      ${script}`);
    assert.equal(r.status, 0, `scenario failed:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const out = scenario(`
    H root checkout ${NAME} --prefix ${prefix} --commit ${old} -q
    H prune --keep 0 --prefix ${prefix} --json > ${work}/prune.json
    H fsck --prefix ${prefix}
    cat ${prefix}/root-${NAME}/usr/share/app/version`);
  assert.match(out, /checked .* 1 deployments: 0 problems/);
  assert.match(out, /^3$/m, 'the deployment still shows compose 3');
  const report = JSON.parse(readFileSync(join(work, 'prune.json'), 'utf8'));
  assert.deepEqual(report.deployed, [old]);
  assert.deepEqual(git(repo, 'rev-list', BRANCH).split('\n').filter(Boolean), [composes[9]], 'the branch keeps its tip only');
  assert.equal(git(repo, 'rev-parse', `refs/hacktree/deployed/${old}`).trim(), old, 'the deployed commit is pinned by a ref');
  const onDisk = new Set(looseObjects(repo));
  for (const oid of reachableObjects(repo, old)) assert.ok(onDisk.has(oid), `object ${oid} of the deployed commit stays`);
  const raw = new Set(rawFiles(repo));
  for (const path of await rawNeededBy(repo, [old])) assert.ok(raw.has(path), `raw file ${path} of the deployed commit stays`);
  for (const gone of [composes[1]!, composes[3]!]) assert.notEqual(spawnSync('git', [`--git-dir=${repo}`, 'cat-file', '-e', gone]).status, 0);
  assertFsckClean(repo);

  // Once undeployed, the next prune drops the pin and the commit with it.
  scenario(`
    H root undeploy ${NAME} --prefix ${prefix} -q
    H prune --keep 0 --prefix ${prefix} -q`);
  assert.equal(git(repo, 'for-each-ref', 'refs/hacktree/deployed/'), '');
  assert.notEqual(spawnSync('git', [`--git-dir=${repo}`, 'cat-file', '-e', old]).status, 0, 'the undeployed commit is gone');
  assertFsckClean(repo);
  rmSync(prefix, { recursive: true, force: true });
  rmSync(repo, { recursive: true, force: true });
});

test('a prune killed while removing leaves every needed object; the next one finishes', async () => {
  const repo = copyRepo('crash');
  for (const point of ['prune-after-shallow', 'prune-remove:5']) {
    const killed = runHacktree(['prune', '--keep', '2'], { repo, env: { HACKTREE_FSYNC: '0', HACKTREE_FAILPOINT: point } });
    assert.equal(killed.status, 137, `killed at ${point}: ${killed.stderr}`);
    assertFsckClean(repo);
    assert.equal(git(repo, 'rev-list', BRANCH).split('\n').filter(Boolean).length, 2);
  }
  ok(repo, ['prune', '--keep', '2']);
  assert.deepEqual(looseObjects(repo), reachableObjects(repo));
  assert.deepEqual(rawFiles(repo), await rawNeededBy(repo, git(repo, 'rev-list', '--all').split('\n').filter(Boolean)));
  assertFsckClean(repo);
  rmSync(repo, { recursive: true, force: true });
});

test('prune refuses a bad duration or count and changes nothing', () => {
  const repo = copyRepo('bad');
  const before = snapshotRepoState(repo);
  assertCliError(runHacktree(['prune', '--older-than', '3 fortnights'], { repo }), 'USAGE', ['3 fortnights']);
  assertCliError(runHacktree(['prune', '--keep', '-1'], { repo }), 'USAGE', ['--keep']);
  assertCliError(runHacktree(['prune', '--keep', 'two'], { repo }), 'USAGE', ['--keep']);
  assertRepoUnchanged(before, snapshotRepoState(repo));
  rmSync(repo, { recursive: true, force: true });
});
