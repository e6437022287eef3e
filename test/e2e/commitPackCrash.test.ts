import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { makeTempDir, runHacktree } from '../helpers/cli.js';
import { noiseBytes } from '../helpers/noiseBytes.js';
import { assertFsckClean, snapshotRepoState } from '../helpers/repoState.js';

// A commit of many files writes its blobs into packs (one per worker): killed while it writes
// them, it leaves no ref, and nothing that fsck does not clear away; the next commit works.
let work: string;
let tree: string;

before(() => {
  work = makeTempDir('hacktree-packcrash');
  tree = join(work, 'tree');
  // 160 files of 64 KiB: past the sizes that send a commit to worker threads and packs.
  for (let d = 0; d < 8; d++) {
    mkdirSync(join(tree, `d${d}`), { recursive: true });
    for (let f = 0; f < 20; f++) {
      const body = noiseBytes(64 << 10, d * 20 + f + 1);
      writeFileSync(join(tree, `d${d}`, `f${f}`), body);
    }
  }
});
after(() => rmSync(work, { recursive: true, force: true }));

function packDirNames(repo: string): string[] {
  try {
    return readdirSync(join(repo, 'objects', 'pack')).sort();
  } catch {
    return [];
  }
}

for (const point of ['pack-written', 'pack-renamed']) {
  test(`a commit killed at ${point}: no ref moves, fsck removes the leftovers, the next commit packs and checks out`, () => {
    const repo = join(work, `repo-${point}`);
    assert.equal(runHacktree(['init'], { repo }).status, 0);
    const before = snapshotRepoState(repo);
    const killed = runHacktree(['root', 'commit', 'root-t', '--tree', `dir=${tree}`], { repo, env: { HACKTREE_FAILPOINT: point } });
    assert.equal(killed.status, 137, `killed at ${point}: ${killed.stderr}`);
    assert.deepEqual(snapshotRepoState(repo).refs, before.refs, 'no ref moved');
    const left = packDirNames(repo);
    if (point === 'pack-renamed') assert.ok(left.some((n) => /^pack-[0-9a-f]{40}\.pack$/.test(n) && !left.includes(n.replace(/\.pack$/, '.idx'))), `a pack without its index: ${left.join(' ')}`);
    else assert.ok(left.some((n) => n.startsWith('tmp_obj_')), `an unfinished pack: ${left.join(' ')}`);

    const fsck = runHacktree(['fsck'], { repo });
    assert.equal(fsck.status, 0, fsck.stdout + fsck.stderr);
    assert.match(fsck.stdout, /^removed leftover temporary file .*objects\/pack\//m);
    const cleared = packDirNames(repo);
    assert.deepEqual(cleared.filter((n) => n.startsWith('tmp_obj_') || (n.endsWith('.pack') && !cleared.includes(n.replace(/\.pack$/, '.idx')))), []);

    const commit = runHacktree(['root', 'commit', 'root-t', '--tree', `dir=${tree}`], { repo });
    assert.equal(commit.status, 0, commit.stderr);
    const packs = packDirNames(repo).filter((n) => n.endsWith('.pack'));
    assert.ok(packs.length >= 1, 'the blobs are packed');
    for (const p of packs) assert.ok(packDirNames(repo).includes(p.replace(/\.pack$/, '.idx')));
    assertFsckClean(repo);
    const dest = join(work, `checkout-${point}`);
    assert.equal(runHacktree(['checkout', 'root-t', dest], { repo }).status, 0);
    assert.equal(readdirSync(join(dest, 'd7')).length, 20);
  });
}

test('a commit of a few files stays loose: no pack', () => {
  const repo = join(work, 'repo-small');
  const small = join(work, 'small');
  mkdirSync(small);
  for (let f = 0; f < 5; f++) writeFileSync(join(small, `f${f}`), `file ${f}\n`);
  assert.equal(runHacktree(['init'], { repo }).status, 0);
  const before = snapshotRepoState(repo);
  assert.equal(runHacktree(['root', 'commit', 'root-s', '--tree', `dir=${small}`], { repo }).status, 0);
  assert.deepEqual(packDirNames(repo).filter((n) => n.endsWith('.pack')), []);
  assert.ok(snapshotRepoState(repo).objects.size > before.objects.size);
  assertFsckClean(repo);
});
