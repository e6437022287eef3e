import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { makeTempDir, runHacktree } from '../helpers/cli.js';
import { noiseBytes } from '../helpers/noiseBytes.js';
import { assertFsckClean } from '../helpers/repoState.js';

// Objects deflated by the native addon (igzip) and by node:zlib (HACKTREE_NATIVE=0, what a build
// without the addon uses) are both git's format: the same tree gives the same ids either way,
// native git reads every object of both, and a checkout of each gives the tree back.
let work: string;
let tree: string;

before(() => {
  work = makeTempDir('hacktree-native');
  tree = join(work, 'tree');
  // Past the sizes that send a commit to worker threads and packs (8 MB, 100 files), with one
  // file streamed in chunks (over 8 MB), incompressible and compressible content.
  for (let d = 0; d < 4; d++) {
    mkdirSync(join(tree, `d${d}`), { recursive: true });
    for (let f = 0; f < 40; f++) {
      const body = noiseBytes(40 << 10, d * 40 + f + 1);
      writeFileSync(join(tree, `d${d}`, `f${f}`), f % 2 ? body : body.toString('hex').slice(0, 20000).repeat(3));
    }
  }
  const big = Buffer.alloc(10 << 20);
  for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((i * 2246822519) >>> 7, i);
  writeFileSync(join(tree, 'big'), big);
});
after(() => rmSync(work, { recursive: true, force: true }));

test('a commit deflated with node:zlib (HACKTREE_NATIVE=0) and one with the native addon name the same tree, and git reads both', () => {
  const trees: string[] = [];
  for (const native of ['1', '0']) {
    const repo = join(work, `repo-${native}`);
    const env = { HACKTREE_NATIVE: native };
    assert.equal(runHacktree(['init'], { repo, env }).status, 0);
    const commit = runHacktree(['root', 'commit', 'root-t', '--tree', `dir=${tree}`, '--json'], { repo, env });
    assert.equal(commit.status, 0, commit.stderr);
    trees.push(JSON.parse(commit.stdout).tree);
    const big = spawnSync('git', ['--git-dir', repo, 'cat-file', 'blob', 'root-t:files/big'], { maxBuffer: 64 << 20 });
    assert.equal(big.stdout.length, 10 << 20, 'the streamed file reads back whole');
    assertFsckClean(repo);
    const out = join(work, `checkout-${native}`);
    assert.equal(runHacktree(['checkout', 'root-t', out], { repo, env }).status, 0);
    const diff = spawnSync('diff', ['-r', '--no-dereference', tree, out], { encoding: 'utf8' });
    assert.equal(diff.status, 0, diff.stdout);
  }
  assert.equal(trees[0], trees[1]);
});
