import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import type { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';

/**
 * hacktree's one lock mechanism (the repository's write lock, each root's deploy lock): a file
 * made with O_EXCL holding the holder's pid. A dead holder's lock is broken; a lock whose pid
 * was never written (its holder killed between create and write) is broken once it is older
 * than STALE_MS. Re-entrant within a process: a library function that takes a lock may be
 * called by one that holds it already, and must not wait on itself.
 */
export interface LockFileOptions {
  /** The error when the lock stays taken past HACKTREE_LOCK_TIMEOUT seconds; `holder` is the file's content. */
  busy: (holder: string) => HacktreeError;
  /** Turns a failure to write the lock file (ENOSPC…) into the caller's error. */
  translateError?: (err: unknown) => unknown;
}

const POLL_MS = 50;
/** A lock file or breaker of a process killed within microseconds of making it is this old. */
const STALE_MS = 10_000;

/** Lock files this process holds, with how many nested withLockFile calls hold each. */
const held = new Map<string, number>();

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoOf(err) === 'EPERM';
  }
}

function lockTimeoutMs(): number {
  const fromEnv = Number(process.env.HACKTREE_LOCK_TIMEOUT);
  return Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv * 1000 : 30_000;
}

export async function withLockFile<T>(path: string, options: LockFileOptions, fn: () => Promise<T> | T): Promise<T> {
  const depth = held.get(path) ?? 0;
  if (depth > 0) {
    held.set(path, depth + 1);
    try {
      return await fn();
    } finally {
      held.set(path, depth);
    }
  }
  const deadline = Date.now() + lockTimeoutMs();
  while (!tryLock(path, options)) {
    if (Date.now() >= deadline) throw options.busy(readHolder(path) ?? 'unknown');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  held.set(path, 1);
  try {
    return await fn();
  } finally {
    held.delete(path);
    unlinkSync(path);
  }
}

/** Takes the lock file, or returns false while a live process holds it; a stale lock is broken. */
function tryLock(path: string, options: LockFileOptions): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${process.pid}\n`);
    } catch (err) {
      // On a full disk the file is made but the pid cannot be written: remove it at once.
      closeSync(fd);
      unlinkSync(path);
      throw options.translateError ? options.translateError(err) : err;
    }
    closeSync(fd);
    return true;
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw err;
  }
  const holder = readHolder(path);
  if (holder === null) return tryLock(path, options);
  const pid = Number(holder);
  const stale = Number.isInteger(pid) && pid > 0 ? !isAlive(pid) : olderThan(path, STALE_MS);
  return stale && breakStaleLock(path, holder) && tryLock(path, options);
}

function readHolder(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Removes a stale lock, unless it was replaced meanwhile; false when another process is breaking
 * it right now. Breakers take turns through PATH.break: two processes that both saw the stale
 * holder would otherwise race, and the slower one would unlink the lock the faster one had just
 * taken, letting two writers in at once.
 */
function breakStaleLock(path: string, staleHolder: string): boolean {
  const breakerPath = `${path}.break`;
  let fd: number;
  try {
    fd = openSync(breakerPath, 'wx', 0o600);
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw err;
    if (olderThan(breakerPath, STALE_MS)) unlinkIfPresent(breakerPath);
    return false;
  }
  try {
    if (readHolder(path) === staleHolder) unlinkIfPresent(path);
  } finally {
    closeSync(fd);
    unlinkSync(breakerPath);
  }
  return true;
}

function olderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > ms;
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    throw err;
  }
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
  }
}
