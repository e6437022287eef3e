import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import type { Oid } from '../../model/git/oid.js';
import { emptyStaticIndex, parseStaticIndex, type StaticIndex } from '../../model/static/staticIndex.js';

// The published directory on disk: a bare git repository for dumb HTTP, with hacktree's
// index.json, packs/ and signatures/ beside its objects/ (docs/static.md).

/** A bare git repository (for dumb HTTP) with hacktree's packs/ and signatures/ beside objects/. */
export function preparePublishedDirectory(dir: string): void {
  mkdirSync(join(dir, 'packs'), { recursive: true });
  mkdirSync(join(dir, 'signatures'), { recursive: true });
  if (!existsSync(join(dir, 'HEAD'))) {
    gitIn(dir, ['init', '-q', '--bare', dir]);
  }
}

export function readPublishedIndex(dir: string): StaticIndex {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, 'index.json'));
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return emptyStaticIndex();
    throw err;
  }
  return parseStaticIndex(bytes, join(dir, 'index.json'));
}

/** Refs for the dumb-HTTP clone, then git's info/refs and objects/info/packs (update-server-info). */
export function updateDumbHttpFiles(dir: string, branches: Array<{ branch: string; commit: Oid }>): void {
  for (const { branch, commit } of branches) gitIn(dir, ['update-ref', `refs/heads/${branch}`, commit]);
  if (spawnSync('git', [`--git-dir=${dir}`, 'rev-parse', '--verify', '-q', 'HEAD']).status !== 0) gitIn(dir, ['symbolic-ref', 'HEAD', `refs/heads/${branches[0]!.branch}`]);
  gitIn(dir, ['update-server-info']);
}

export function writePublishedFile(target: string, bytes: Buffer): void {
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, bytes, { flush: true });
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** git on the published repository, which is not a hacktree store. */
function gitIn(dir: string, args: string[]): void {
  const run = spawnSync('git', [`--git-dir=${dir}`, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new HacktreeError('EXTERNAL_COMMAND_FAILED', `git ${args[0]} in ${dir} failed: ${(run.error?.message ?? run.stderr).trim()}`, { hint: 'check that the published directory is writable' });
}
