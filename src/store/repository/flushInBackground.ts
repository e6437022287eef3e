import { closeSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { nativeAddon } from '../../platform/native/nativeAddon.js';
import type { Repository } from './repository.js';

/** Flushes no more often than this, so an idle disk does not make a busy loop. */
const MIN_PERIOD_MS = 100;

/**
 * Flushes the repository's filesystem again and again (syncfs on a thread of libuv's pool)
 * while a big commit writes, until the returned stop() is called; stop() resolves once the
 * flush in flight has ended. The syncfs before the ref moves then finds little left to write,
 * and this disk's ext4 (no journal) allocates new inodes faster when their inode-table blocks
 * are clean (docs/decisions/0006-background-flush.md). Without the native addon it does nothing.
 * A failure here is left to that final syncfs to report.
 */
export function flushInBackground(repo: Repository): () => Promise<void> {
  const native = nativeAddon();
  if (!native || process.env.HACKTREE_FSYNC === '0') return async () => {};
  const fd = openSync(repo.dir, 'r');
  let stopped = false;
  const running = (async () => {
    try {
      while (!stopped) {
        const started = Date.now();
        await native.syncFilesystemAsync(fd);
        const rest = MIN_PERIOD_MS - (Date.now() - started);
        if (rest > 0 && !stopped) await sleep(rest);
      }
    } catch {
      // the final syncfs reports a failing disk
    } finally {
      closeSync(fd);
    }
  })();
  return () => {
    stopped = true;
    return running;
  };
}
