import { lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';
import type { FsckProblem } from '../../model/git/fsckProblem.js';
import type { Repository } from '../repository/repository.js';

const FAN = /^[0-9a-f]{2}$/;

/**
 * hacktree's own directories: the raw cache (deleted, or replaced by a file or symlink), its
 * fan-out directories, and the staging directory hacktree/tmp. All hold derived or temporary
 * data, so with `repair` whatever stands in their place is removed and they are made again
 * (the raw cache with its 256 fan-out directories, as init makes them); the coverage pass then
 * rebuilds the raw entries the refs need.
 */
export function verifyStoreDirectories(repo: Repository, options: { repair: boolean }): FsckProblem[] {
  const problems: FsckProblem[] = [];
  const check = (path: string, what: string, make: () => void, missingIsFine = false): boolean => {
    const found = describe(path);
    if (found === 'a directory' || (found === 'missing' && missingIsFine)) return true;
    const problem: FsckProblem = { kind: found === 'missing' ? 'raw-missing' : 'raw-unexpected', path, detail: `${what} is ${found}` };
    if (options.repair) {
      rmSync(path, { recursive: true, force: true });
      make();
      problem.repaired = found === 'missing' ? 'made again' : 'removed, and the directory made again';
    }
    problems.push(problem);
    return options.repair;
  };
  const makeRawCache = () => {
    for (let i = 0; i < 256; i++) mkdirSync(join(repo.rawDir, i.toString(16).padStart(2, '0')), { recursive: true });
  };
  if (check(repo.rawDir, 'the raw object cache directory', makeRawCache)) {
    for (const fan of readdirSync(repo.rawDir).filter((name) => FAN.test(name)).sort()) {
      const path = join(repo.rawDir, fan);
      check(path, 'this fan-out directory of the raw cache', () => mkdirSync(path));
    }
  }
  // A missing one is made by the next write.
  check(repo.tmpDir, 'the staging directory hacktree/tmp', () => mkdirSync(repo.tmpDir, { recursive: true }), true);
  return problems;
}

function describe(path: string): string {
  try {
    const stat = lstatSync(path);
    if (stat.isDirectory()) return 'a directory';
    return stat.isSymbolicLink() ? 'a symlink' : stat.isFile() ? 'a file' : 'not a directory';
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
    return 'missing';
  }
}
