import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertCliError } from '../../helpers/assertCliError.js';
import { hacktreeCommand, inMountNamespace, makeTempDir } from '../../helpers/cli.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../../helpers/repoState.js';
import { freshSeededRepo, makeSeededRepo, type SeededRepo } from '../../helpers/seededRepo.js';

// A dir= commit reads each file for the size its scan found. A file holding more than that
// (it grew meanwhile) is refused with SOURCE_CHANGED, never stored cut short: shown with a
// /proc file bind-mounted into the tree, which stat says is empty and which reads as text.

let tmp: string;
let seed: SeededRepo;
before(() => {
  tmp = makeTempDir('hacktree-e2e-source-changed');
  seed = makeSeededRepo(tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

for (const native of ['1', '0']) {
  test(`a file that holds more than its size (HACKTREE_NATIVE=${native}) is SOURCE_CHANGED naming it; nothing is committed`, (t) => {
    const { dir, repo } = freshSeededRepo(seed, 'hacktree-e2e-grown', t);
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    writeFileSync(join(tree, 'steady'), 'steady\n');
    writeFileSync(join(tree, 'version'), '');
    const before = snapshotRepoState(repo);
    const run = inMountNamespace(`
mount --bind /proc/version '${tree}/version'
test "$(stat -c %s '${tree}/version')" = 0
HACKTREE_NATIVE=${native} '${hacktreeCommand}' root commit grown --tree dir='${tree}' --repo '${repo}'`);
    assertCliError(run, 'SOURCE_CHANGED', [join(tree, 'version'), 'grew']);
    assert.doesNotMatch(run.stdout + run.stderr, /INTERNAL/);
    assertRepoUnchanged(before, snapshotRepoState(repo));
    assertFsckClean(repo);
  });
}
