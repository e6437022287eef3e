import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { makeTempDir, runHacktree } from '../helpers/cli.js';
import { packDir } from '../helpers/debRoot.js';
import { assertFsckClean } from '../helpers/repoState.js';

// A compose over the same artifacts is not a new version of the root: the branch keeps its tip
// (re-running the main job must not grow every root's history), while a new artifact, or a
// signature asked for, is a new commit.
let work: string;
let repo: string;

function hacktree(args: string[]): string {
  const r = runHacktree(args, { repo, cwd: work, env: { HACKTREE_FSYNC: '0' } });
  assert.equal(r.status, 0, `hacktree ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

function compose(...extra: string[]): { commit: string; parent: string | null; created: boolean } {
  return JSON.parse(hacktree(['root', 'compose', '1.0-runtime-opt-x86_64', '--json', ...extra]));
}

function packDoc(version: string): void {
  const tree = join(work, 'trees', version);
  mkdirSync(join(tree, 'usr/share/doc'), { recursive: true });
  writeFileSync(join(tree, 'usr/share/doc/README'), `doc ${version}\n`);
  packDir(tree, { name: 'doc', version, out: join(work, 'artifacts') });
}

before(() => {
  work = makeTempDir('hacktree-compose-unchanged');
  repo = join(work, 'repo');
  mkdirSync(join(work, 'roots'));
  writeFileSync(join(work, 'roots', '1.0.json'), JSON.stringify({ version: '1.0', arches: ['x86_64'], runtime: ['doc'] }));
  packDoc('1');
  hacktree(['init']);
});

test('a second compose over the same artifacts commits nothing and says so; a new artifact or --sign commits', () => {
  const first = compose();
  assert.equal(first.created, true);
  const again = compose();
  assert.deepEqual([again.commit, again.created], [first.commit, false], 'the same tree: the tip stays');
  assert.match(hacktree(['root', 'compose', '1.0-runtime-opt-x86_64']), /unchanged, nothing committed/);

  packDoc('2');
  const next = compose();
  assert.deepEqual([next.created, next.parent], [true, first.commit], 'a new artifact is a new commit on the old one');

  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'release', '-f', join(work, 'key')]);
  const signed = compose('--sign', join(work, 'key'));
  assert.deepEqual([signed.created, signed.parent], [true, next.commit], 'a signature asked for is a new commit, same tree');
  assert.match(execFileSync('git', ['-C', repo, 'cat-file', 'commit', signed.commit], { encoding: 'utf8' }), /^gpgsig /m);
  assert.equal(execFileSync('git', ['-C', repo, 'rev-list', '--count', 'root-1.0-runtime-opt-x86_64'], { encoding: 'utf8' }).trim(), '3');
  assertFsckClean(repo);
});
