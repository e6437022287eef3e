import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { assertCliError } from '../../helpers/assertCliError.js';
import { makeTempDir, runHacktree } from '../../helpers/cli.js';
import { assertFsckClean, assertRepoUnchanged, snapshotRepoState } from '../../helpers/repoState.js';
import { freshSeededRepo, makeSeededRepo, type SeededRepo } from '../../helpers/seededRepo.js';

// A ref that does not exist is REF_NOT_FOUND naming it, before anything is written.

let tmp: string;
let seed: SeededRepo;
before(() => {
  tmp = makeTempDir('hacktree-e2e-unknown-ref');
  seed = makeSeededRepo(tmp);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const freshRepo = (t: { after: (fn: () => void) => void }) => freshSeededRepo(seed, 'hacktree-e2e-unknown-ref-case', t);

test('checkout of an unknown ref is REF_NOT_FOUND and makes no destination', (t) => {
  const { dir, repo } = freshRepo(t);
  const before = snapshotRepoState(repo);
  const dest = join(dir, 'dest');

  assertCliError(runHacktree(['checkout', 'nope', dest], { repo }), 'REF_NOT_FOUND', ['"nope"']);
  assert.ok(!existsSync(dest), 'no destination');
  assert.deepEqual(readdirSync(dir).sort(), ['repo'], 'no staging directory beside the destination');
  assertRepoUnchanged(before, snapshotRepoState(repo));
  assertFsckClean(repo);

  const good = runHacktree(['checkout', 'base', dest], { repo });
  assert.equal(good.status, 0, good.stderr);
  assert.ok(existsSync(join(dest, 'usr', 'bin', 'tool')));
});

test('checkout of a well-formed commit id that is not in the repository is OBJECT_MISSING naming it', (t) => {
  const { dir, repo } = freshRepo(t);
  const before = snapshotRepoState(repo);
  const absent = '0123456789abcdef0123456789abcdef01234567';

  assertCliError(runHacktree(['checkout', absent, join(dir, 'dest')], { repo }), 'OBJECT_MISSING', [absent]);
  assert.deepEqual(readdirSync(dir).sort(), ['repo'], 'no destination and no staging directory');
  assertRepoUnchanged(before, snapshotRepoState(repo));
  assertFsckClean(repo);
});

test('root commit --tree ref=nope is REF_NOT_FOUND and creates no branch', (t) => {
  const { repo } = freshRepo(t);
  const before = snapshotRepoState(repo);

  assertCliError(runHacktree(['root', 'commit', 'layered', '--tree', 'ref=nope'], { repo }), 'REF_NOT_FOUND', ['"nope"']);
  assertRepoUnchanged(before, snapshotRepoState(repo));
  // After an earlier layer was stored: its objects may stay (see repoState), no ref moves.
  assertCliError(
    runHacktree(['root', 'commit', 'layered', '--tree', `dir=${seed.goodDir}`, '--tree', 'ref=nope'], { repo }),
    'REF_NOT_FOUND',
    ['"nope"'],
  );
  assertCliError(runHacktree(['root', 'commit', 'base', '--tree', 'ref=nope'], { repo }), 'REF_NOT_FOUND', ['"nope"']);
  assertRepoUnchanged(before, snapshotRepoState(repo));
  assertFsckClean(repo);

  const good = runHacktree(['root', 'commit', 'layered', '--tree', 'ref=base'], { repo });
  assert.equal(good.status, 0, good.stderr);
});

test('reading commands name the unknown root: root ls, log, show, cat, blame, diff', async (t) => {
  const { repo } = freshRepo(t);
  const before = snapshotRepoState(repo);
  for (const args of [
    ['root', 'ls', 'nope'],
    ['root', 'ls', 'nope', 'usr'],
    ['root', 'log', 'nope'],
    ['root', 'show', 'nope'],
    ['root', 'cat', 'nope', 'README'],
    ['root', 'blame', 'nope', 'README'],
    ['root', 'diff', 'base', 'nope'],
    ['root', 'diff', 'nope', 'base'],
  ]) {
    await t.test(args.join(' '), () => {
      assertCliError(runHacktree(args, { repo }), 'REF_NOT_FOUND', ['"nope"']);
    });
  }
  assertRepoUnchanged(before, snapshotRepoState(repo));
});
