import { spawnSync } from 'node:child_process';
import { HacktreeError } from '../errors/HacktreeError.js';
import type { Repository } from './repository.js';

/**
 * Flushes the repository's filesystem (syncfs(2), through coreutils: Node has no binding)
 * before a ref moves, as ostree does: with delayed allocation a crash could otherwise leave a
 * ref naming objects whose data never reached the disk. One syncfs costs far less than an
 * fsync per object. HACKTREE_FSYNC=0 skips it, for scratch repositories.
 */
export function syncRepository(repo: Repository): void {
  if (process.env.HACKTREE_FSYNC === '0') return;
  const run = spawnSync('sync', ['--file-system', repo.dir], { encoding: 'utf8' });
  if (run.status !== 0) {
    throw new HacktreeError('EXTERNAL_COMMAND_FAILED', `could not flush ${repo.dir} to disk: ${run.stderr?.trim() || run.error?.message}`, {
      hint: 'check the disk holding the repository (dmesg); nothing was recorded',
      data: { repo: repo.dir },
    });
  }
}
