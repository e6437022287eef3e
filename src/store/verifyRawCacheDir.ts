import { lstatSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../errors/errnoOf.js';
import type { FsckProblem } from '../model/fsckProblem.js';
import type { Repository } from './repository.js';

/**
 * The raw cache directory itself: deleted, or replaced by a file or symlink. It is derived data,
 * so with `repair` whatever is there is removed and an empty cache made (with its fan-out
 * directories, as init makes them); the coverage pass then rebuilds what the refs need.
 */
export function verifyRawCacheDir(repo: Repository, options: { repair: boolean }): FsckProblem[] {
  let what: string;
  try {
    const stat = lstatSync(repo.rawDir);
    if (stat.isDirectory()) return [];
    what = stat.isSymbolicLink() ? 'a symlink' : stat.isFile() ? 'a file' : 'not a directory';
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
    what = 'missing';
  }
  const problem: FsckProblem = {
    kind: what === 'missing' ? 'raw-missing' : 'raw-unexpected',
    path: repo.rawDir,
    detail: `the raw object cache directory is ${what}`,
  };
  if (options.repair) {
    rmSync(repo.rawDir, { recursive: true, force: true });
    for (let i = 0; i < 256; i++) mkdirSync(join(repo.rawDir, i.toString(16).padStart(2, '0')), { recursive: true });
    problem.repaired = 'made again, empty';
  }
  return [problem];
}
