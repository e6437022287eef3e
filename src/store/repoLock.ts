import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { HacktreeError } from '../errors/HacktreeError.js';
import { errnoOf } from '../errors/errnoOf.js';
import { translateWriteError } from './atomicWrite.js';
import type { Repository } from './repository.js';

const POLL_MS = 50;

function lockTimeoutMs(): number {
  const fromEnv = Number(process.env.HACKTREE_LOCK_TIMEOUT);
  return Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv * 1000 : 30_000;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoOf(err) === 'EPERM';
  }
}

/** Takes the lock file, or returns false while a live process holds it; a dead holder's lock is broken. */
function tryLock(repo: Repository): boolean {
  try {
    const fd = openSync(repo.lockPath, 'wx', 0o600);
    try {
      writeSync(fd, `${process.pid}\n`);
    } catch (err) {
      // On a full disk the file is made but the pid cannot be written: an empty lock names no
      // holder and would never be broken, so every later writer would be REPO_BUSY.
      closeSync(fd);
      unlinkSync(repo.lockPath);
      throw translateWriteError(err, repo);
    }
    closeSync(fd);
    return true;
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw err;
  }
  let holder = NaN;
  try {
    holder = Number(readFileSync(repo.lockPath, 'utf8').trim());
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return tryLock(repo);
    throw err;
  }
  if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) {
    return breakStaleLock(repo, holder) && tryLock(repo);
  }
  return false;
}

/** A breaker left by a process killed while breaking (a window of microseconds) is this old. */
const STALE_BREAKER_MS = 10_000;

/**
 * Removes the lock of `deadHolder`, unless it was replaced meanwhile; false when another process
 * is breaking it right now. Breakers take turns through lock.break: two processes that both saw
 * the dead holder would otherwise race, and the slower one would unlink the lock the faster
 * one had just taken, letting two writers in at once.
 */
function breakStaleLock(repo: Repository, deadHolder: number): boolean {
  const breakerPath = `${repo.lockPath}.break`;
  let fd: number;
  try {
    fd = openSync(breakerPath, 'wx', 0o600);
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw err;
    removeIfOlderThan(breakerPath, STALE_BREAKER_MS);
    return false;
  }
  try {
    let holder = NaN;
    try {
      holder = Number(readFileSync(repo.lockPath, 'utf8').trim());
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err;
    }
    if (holder === deadHolder) unlinkSync(repo.lockPath);
  } finally {
    closeSync(fd);
    unlinkSync(breakerPath);
  }
  return true;
}

function removeIfOlderThan(path: string, ms: number): void {
  try {
    if (Date.now() - statSync(path).mtimeMs > ms) unlinkSync(path);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
  }
}

/** Lock files this process holds, with how many nested withRepoLock calls hold each. */
const heldLocks = new Map<string, number>();

/**
 * Runs `fn` holding the repository's write lock; waits up to HACKTREE_LOCK_TIMEOUT seconds
 * (default 30) for another hacktree process to finish, then fails with REPO_BUSY.
 */
export async function withRepoLock<T>(repo: Repository, fn: () => Promise<T> | T): Promise<T> {
  // Re-entrant within this process: a library function that takes the lock may be called by
  // one that holds it already (root update replaying config.d), and must not wait on itself.
  const depth = heldLocks.get(repo.lockPath) ?? 0;
  if (depth > 0) {
    heldLocks.set(repo.lockPath, depth + 1);
    try {
      return await fn();
    } finally {
      heldLocks.set(repo.lockPath, depth);
    }
  }
  const deadline = Date.now() + lockTimeoutMs();
  while (!tryLock(repo)) {
    if (Date.now() >= deadline) {
      let holder = '';
      try {
        holder = readFileSync(repo.lockPath, 'utf8').trim();
      } catch {
        holder = 'unknown';
      }
      throw new HacktreeError('REPO_BUSY', `repository ${repo.dir} is busy: process ${holder} is writing to it`, {
        hint: 'wait for the other hacktree command to finish and try again (HACKTREE_LOCK_TIMEOUT sets how long to wait, in seconds)',
        data: { repo: repo.dir, holder },
      });
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  heldLocks.set(repo.lockPath, 1);
  try {
    return await fn();
  } finally {
    heldLocks.delete(repo.lockPath);
    unlinkSync(repo.lockPath);
  }
}
