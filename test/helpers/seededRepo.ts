import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, runHacktree } from './cli.js';
import { writeHandmadeTarball } from './handmadeTarball.js';

/** A well-formed artifact file name for tests that need one. */
export const ARTIFACT_NAME = 'x-runtime,b=opt,o=master,r=1-opt-x86_64,v=1,.tar.gz';

export interface SeededRepo {
  /** A repository holding branch "base" (in packed-refs) and one imported artifact (a loose ref). */
  repo: string;
  /** A small directory tree, good for --tree dir=. */
  goodDir: string;
  /** A good artifact not imported yet, for "the next command works". */
  goodArtifact: string;
}

/**
 * Makes a repository with something in it to lose: a committed branch whose ref is packed (as
 * after `git gc`) and an imported artifact whose ref is loose. Made once per test file; each
 * test works on a copy (copySeededRepo), which costs far less than running the CLI again.
 */
export function makeSeededRepo(dir: string): SeededRepo {
  const repo = join(dir, 'seed-repo');
  const goodDir = join(dir, 'seed-tree');
  mkdirSync(join(goodDir, 'usr', 'bin'), { recursive: true });
  writeFileSync(join(goodDir, 'usr', 'bin', 'tool'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
  writeFileSync(join(goodDir, 'README'), 'seed\n');
  symlinkSync('usr/bin', join(goodDir, 'bin'));
  const seedArtifact = join(dir, 'seed-runtime,b=opt,o=master,r=1-opt-x86_64,v=1,.tar.gz');
  writeHandmadeTarball(seedArtifact, [
    { kind: 'dir', path: '.' },
    { kind: 'file', path: 'usr/share/seed/data', content: 'seed artifact\n' },
  ]);
  const goodArtifact = join(dir, 'good-runtime,b=opt,o=master,r=1-opt-x86_64,v=2,.tar.gz');
  writeHandmadeTarball(goodArtifact, [
    { kind: 'dir', path: '.' },
    { kind: 'file', path: 'usr/share/good/data', content: 'good artifact\n' },
    { kind: 'symlink', path: 'usr/share/good/link', target: 'data' },
  ]);
  for (const args of [['init'], ['root', 'commit', 'base', '--tree', `dir=${goodDir}`, '-m', 'seed']]) {
    const run = runHacktree(args, { repo });
    assert.equal(run.status, 0, `seeding: hacktree ${args.join(' ')}: ${run.stderr}`);
  }
  const pack = spawnSync('git', [`--git-dir=${repo}`, 'pack-refs', '--all'], { encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stderr);
  const imported = runHacktree(['artifact', 'import', seedArtifact], { repo });
  assert.equal(imported.status, 0, `seeding: artifact import: ${imported.stderr}`);
  return { repo, goodDir, goodArtifact };
}

/** An exact copy (owners, modes, xattrs) of a seeded repository at `dest`. */
export function copySeededRepo(seed: SeededRepo, dest: string): string {
  const run = spawnSync('cp', ['-a', seed.repo, dest], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return dest;
}

/**
 * A new temporary directory (`prefix`) with a copy of the seeded repository at its repo/, both
 * removed when test `t` ends.
 */
export function freshSeededRepo(seed: SeededRepo, prefix: string, t: { after: (fn: () => void) => void }): { dir: string; repo: string } {
  const dir = makeTempDir(prefix);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, repo: copySeededRepo(seed, join(dir, 'repo')) };
}
