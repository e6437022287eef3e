import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HacktreeError } from '../errors/HacktreeError.js';
import { errnoOf } from '../errors/errnoOf.js';
import { isAlive } from '../store/repoLock.js';
import { realDir } from './deploymentState.js';

function lockTimeoutMs(): number {
  const fromEnv = Number(process.env.HACKTREE_LOCK_TIMEOUT);
  return Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv * 1000 : 30_000;
}

function tryLock(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    return true;
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw err;
  }
  let holder = NaN;
  try {
    holder = Number(readFileSync(path, 'utf8').trim());
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    throw err;
  }
  // A holder killed before writing its pid leaves an empty file: that one is stale as well.
  if (!(Number.isInteger(holder) && holder > 0 && isAlive(holder))) {
    try {
      unlinkSync(path);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err;
    }
  }
  return false;
}

/**
 * Runs `work` holding PREFIX/.real/root-NAME.lock, so two commands never switch one root at
 * once. Separate from the repository lock: deploying writes nothing to the repository, and
 * callers that hold the repository lock (install-local, config apply) deploy too.
 */
export async function withDeployLock<T>(prefix: string, name: string, work: () => Promise<T>): Promise<T> {
  const path = join(realDir(prefix), `root-${name}.lock`);
  const deadline = Date.now() + lockTimeoutMs();
  while (!tryLock(path)) {
    if (Date.now() >= deadline) {
      throw new HacktreeError('REPO_BUSY', `another hacktree command is deploying root ${name} (${path})`, {
        hint: 'wait for it, or raise HACKTREE_LOCK_TIMEOUT',
        data: { lock: path },
      });
    }
    await sleep(50);
  }
  try {
    return await work();
  } finally {
    unlinkSync(path);
  }
}
