import { HacktreeError } from '../../errors/HacktreeError.js';
import { translateWriteError } from './atomicWrite.js';
import { withLockFile } from '../../platform/fs/lockFile.js';
import type { Repository } from './repository.js';

/**
 * Runs `fn` holding the repository's write lock (hacktree/lock); waits up to
 * HACKTREE_LOCK_TIMEOUT seconds (default 30) for another hacktree process to finish, then fails
 * with REPO_BUSY. Re-entrant within a process.
 */
export async function withRepoLock<T>(repo: Repository, fn: () => Promise<T> | T): Promise<T> {
  return withLockFile(repo.lockPath, {
    busy: (holder) =>
      new HacktreeError('REPO_BUSY', `repository ${repo.dir} is busy: process ${holder} is writing to it`, {
        hint: 'wait for the other hacktree command to finish and try again (HACKTREE_LOCK_TIMEOUT sets how long to wait, in seconds)',
        data: { repo: repo.dir, holder },
      }),
    translateError: (err) => translateWriteError(err, repo),
  }, fn);
}
