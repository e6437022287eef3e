import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { nativeAddon } from '../../platform/native/nativeAddon.js';
import type { Repository } from './repository.js';

/**
 * Flushes the repository's filesystem (syncfs(2): the native addon's, else coreutils' `sync -f`)
 * before a ref moves, as ostree does: with delayed allocation a crash could otherwise leave a
 * ref naming objects whose data never reached the disk. One syncfs costs far less than an
 * fsync per object. HACKTREE_FSYNC=0 skips it, for scratch repositories.
 */
export function syncRepository(repo: Repository): void {
  if (process.env.HACKTREE_FSYNC === '0') return;
  const native = nativeAddon();
  if (native) {
    const fd = openSync(repo.dir, 'r');
    try {
      native.syncFilesystem(fd);
    } catch (err) {
      throw flushFailed(repo, (err as Error).message);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const run = spawnSync('sync', ['--file-system', repo.dir], { encoding: 'utf8' });
  if (run.status !== 0) throw flushFailed(repo, run.stderr?.trim() || run.error?.message || `sync exited with ${run.status}`);
}

function flushFailed(repo: Repository, why: string): HacktreeError {
  return new HacktreeError('EXTERNAL_COMMAND_FAILED', `could not flush ${repo.dir} to disk: ${why}`, {
    hint: 'check the disk holding the repository (dmesg); nothing was recorded',
    data: { repo: repo.dir },
  });
}
