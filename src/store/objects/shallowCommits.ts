import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';
import { isOid, type Oid } from '../../model/git/oid.js';
import { writeFileAtomic } from '../repository/atomicWrite.js';
import type { Repository } from '../repository/repository.js';

/**
 * The commits whose parents the repository does not hold (git's `shallow` file, as a shallow
 * clone has): native git and hacktree treat them as having no parents. `hacktree prune` writes
 * it when it cuts history.
 */
export function shallowFilePath(repo: Repository): string {
  return join(repo.dir, 'shallow');
}

export function readShallowCommits(repo: Repository): Set<Oid> {
  let text: string;
  try {
    text = readFileSync(shallowFilePath(repo), 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return new Set();
    throw err;
  }
  return new Set(text.split('\n').map((line) => line.trim()).filter(isOid));
}

/** Replaces the shallow file atomically (none at all when no commit is shallow). */
export function writeShallowCommits(repo: Repository, commits: ReadonlySet<Oid>): void {
  if (commits.size === 0) {
    rmSync(shallowFilePath(repo), { force: true });
    return;
  }
  writeFileAtomic(repo, shallowFilePath(repo), [Buffer.from([...commits].sort().map((c) => `${c}\n`).join(''))]);
}
