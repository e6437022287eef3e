import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertCliError } from '../../helpers/assertCliError.js';
import { makeTempDir, runHacktree } from '../../helpers/cli.js';
import { assertFsckClean, snapshotRepoState, type RepoState } from '../../helpers/repoState.js';
import { writeHandmadeTarball } from '../../helpers/handmadeTarball.js';
import { ARTIFACT_NAME } from '../../helpers/seededRepo.js';

// Every command that needs a repository says NOT_A_REPO, naming the path, and writes nothing
// there, whatever the path holds instead.

let tmp: string;
let tree: string;
let artifact: string;
before(() => {
  tmp = makeTempDir('hacktree-e2e-not-a-repo');
  tree = join(tmp, 'tree');
  mkdirSync(tree);
  writeFileSync(join(tree, 'file'), 'content\n');
  artifact = join(tmp, ARTIFACT_NAME);
  writeHandmadeTarball(artifact, [{ kind: 'dir', path: '.' }, { kind: 'file', path: 'file', content: 'content\n' }]);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const commands = (dest: string): string[][] => [
  ['checkout', 'base', dest],
  ['root', 'list'],
  ['root', 'commit', 'base', '--tree', `dir=${tree}`],
  ['artifact', 'import', artifact],
  ['artifact', 'list'],
  ['fsck'],
];

const places: Array<{ what: string; make: (path: string) => void; initWorks: boolean }> = [
  { what: 'an empty directory', make: (path) => mkdirSync(path), initWorks: true },
  { what: 'a nonexistent path', make: () => {}, initWorks: true },
  {
    what: 'a plain bare git repository',
    make: (path) => {
      const run = spawnSync('git', ['init', '-q', '--bare', path], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
    },
    initWorks: false,
  },
  { what: 'a regular file', make: (path) => writeFileSync(path, 'not a repository\n'), initWorks: false },
];

for (const place of places) {
  test(`${place.what} is NOT_A_REPO for every command that needs a repository`, async (t) => {
    const dir = makeTempDir('hacktree-e2e-not-a-repo-case');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const repo = join(dir, 'repo');
    place.make(repo);
    const before = stateOf(repo);
    const dest = join(dir, 'dest');

    for (const args of commands(dest)) {
      await t.test(args.slice(0, 2).join(' '), () => {
        assertCliError(runHacktree(args, { repo }), 'NOT_A_REPO', [repo]);
        assert.deepEqual(stateOf(repo), before, `${repo} was left as it was`);
        assert.ok(!existsSync(dest), 'no checkout destination');
      });
    }
    assert.deepEqual(readdirSync(dir).sort(), existsSync(repo) ? ['repo'] : [], 'nothing was made beside it');

    if (place.initWorks) {
      for (const args of [['init'], ['root', 'commit', 'base', '--tree', `dir=${tree}`], ['checkout', 'base', dest]]) {
        const run = runHacktree(args, { repo });
        assert.equal(run.status, 0, `hacktree ${args.join(' ')} works once there is a repository: ${run.stderr}`);
      }
      assertFsckClean(repo);
    } else {
      assert.equal(runHacktree(['init'], { repo }).status, 3, 'init refuses to take over what is there');
    }
  });
}

/** Everything at `path` (a directory walked like a repository, a file's bytes), for "nothing was written". */
function stateOf(path: string): RepoState | string | null {
  if (!existsSync(path)) return null;
  return statSync(path).isDirectory() ? snapshotRepoState(path) : readFileSync(path, 'latin1');
}
