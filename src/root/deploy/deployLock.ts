import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { withLockFile } from '../../platform/fs/lockFile.js';
import { realDir } from './deploymentState.js';

/**
 * Runs `work` holding PREFIX/.real/root-NAME.lock, so two commands never switch one root at
 * once. Separate from the repository lock: deploying writes nothing to the repository, and
 * callers that hold the repository lock (install-local, config apply) deploy too.
 */
export async function withDeployLock<T>(prefix: string, name: string, work: () => Promise<T>): Promise<T> {
  const path = join(realDir(prefix), `root-${name}.lock`);
  return withLockFile(path, {
    busy: (holder) =>
      new HacktreeError('REPO_BUSY', `another hacktree command (process ${holder}) is deploying root ${name} (${path})`, {
        hint: 'wait for it, or raise HACKTREE_LOCK_TIMEOUT',
        data: { lock: path, holder },
      }),
  }, work);
}
