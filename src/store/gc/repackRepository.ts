import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import type { Repository } from '../repository/repository.js';

/** The packs' total size in bytes (packs come from big commits, pulls and native `git gc`). */
export function packBytes(repo: Repository): number {
  const dir = join(repo.objectsDir, 'pack');
  return listDirectory(dir).filter((n) => /\.(pack|idx|rev|bitmap)$/.test(n)).reduce((sum, n) => sum + statSync(join(dir, n)).size, 0);
}

/**
 * Rewrites the packs with native `git repack -a -d`: one pack of what the refs reach (honouring
 * the shallow file), the old packs and the loose copies of packed objects removed. git writes
 * the new pack before it deletes the old ones, so a crash leaves the objects in one or the other.
 * The caller holds the repository lock and has pinned every commit it keeps with a ref.
 */
export function repackRepository(repo: Repository): void {
  const run = spawnSync('git', [`--git-dir=${repo.dir}`, '-c', 'gc.auto=0', 'repack', '-a', '-d', '-q'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new HacktreeError('EXTERNAL_COMMAND_FAILED', `git repack failed in ${repo.dir}: ${run.error?.message ?? run.stderr.trim()}`, {
      hint: 'the loose objects were pruned already; run "git repack -a -d" by hand to see why the packs could not be rewritten',
      data: { repo: repo.dir, status: run.status },
    });
  }
}
