import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';
import { TEMP_OBJECT_PREFIX } from './atomicWrite.js';
import { isAlive } from '../../platform/fs/lockFile.js';
import type { Repository } from './repository.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';

const FAN = /^[0-9a-f]{2}$/;

/**
 * Removes what killed processes left behind: everything in hacktree/tmp, the tmp_obj_<pid>_…
 * files staged beside objects, packs and raw entries (see atomicWrite), and a pack whose index
 * never came (a writer renames the .pack, then the .idx). Temporary names carry the writer's
 * pid: files of a live process are in use and stay; a pack without index stays while another
 * live process holds the repository's write lock, as it may be about to add the index.
 */
export function removeStaleTempFiles(repo: Repository): string[] {
  const removed: string[] = [];
  const sweep = (dir: string, pidOf: (name: string) => number | null): void => {
    for (const name of listDirectory(dir).sort()) {
      const pid = pidOf(name);
      if (pid === null || (Number.isInteger(pid) && pid > 0 && isAlive(pid))) continue;
      const path = join(dir, name);
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    }
  };
  sweep(repo.tmpDir, (name) => Number(/^(\d+)-/.exec(name)?.[1]));
  const packDir = join(repo.objectsDir, 'pack');
  for (const top of [repo.objectsDir, repo.rawDir]) {
    for (const fan of listDirectory(top).filter((n) => FAN.test(n))) sweep(join(top, fan), stagedPid);
  }
  sweep(packDir, stagedPid);
  // Listed before the lock is looked at: a pack a writer renamed before that was renamed under
  // the lock, and one whose writer is done has its index by now (looked for again).
  const names = new Set(listDirectory(packDir));
  const orphans = [...names].sort().filter((name) => name.endsWith('.pack') && !names.has(name.replace(/\.pack$/, '.idx')));
  if (orphans.length > 0 && !otherWriterActive(repo)) {
    for (const name of orphans) {
      if (!/^pack-[0-9a-f]{40}\.pack$/.test(name) || existsSync(join(packDir, name.replace(/\.pack$/, '.idx')))) continue;
      rmSync(join(packDir, name), { force: true });
      removed.push(join(packDir, name));
    }
  }
  return removed;
}

/** Removes the temporary files in `dir` of this process's threads `threadIds` (stopped writers). */
export function removeOwnTempFiles(dir: string, threadIds: readonly number[]): void {
  for (const name of listDirectory(dir)) {
    const thread = Number(/_t(\d+)$/.exec(name)?.[1]);
    if (stagedPid(name) === process.pid && threadIds.includes(thread)) rmSync(join(dir, name), { force: true });
  }
}

function stagedPid(name: string): number | null {
  return name.startsWith(TEMP_OBJECT_PREFIX) ? Number(/^tmp_obj_(\d+)_/.exec(name)?.[1]) : null;
}

/** True when a live process other than this one holds the repository's write lock. */
function otherWriterActive(repo: Repository): boolean {
  let holder: number;
  try {
    holder = Number(readFileSync(repo.lockPath, 'utf8').trim());
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    throw err;
  }
  // A lock whose pid is not written yet belongs to a process starting to write.
  if (!Number.isInteger(holder) || holder <= 0) return true;
  return holder !== process.pid && isAlive(holder);
}
