import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { TEMP_OBJECT_PREFIX } from './atomicWrite.js';
import { isAlive } from './lockFile.js';
import type { Repository } from './repository.js';
import { listDirectory } from './listDirectory.js';

const FAN = /^[0-9a-f]{2}$/;

/**
 * Removes what killed processes left behind: everything in hacktree/tmp, and the
 * tmp_obj_<pid>_… files staged beside objects and raw entries (see atomicWrite). Temporary
 * names carry the writer's pid: files of a live process are in use and stay.
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
  const stagedPid = (name: string) => (name.startsWith(TEMP_OBJECT_PREFIX) ? Number(/^tmp_obj_(\d+)_/.exec(name)?.[1]) : null);
  for (const top of [repo.objectsDir, repo.rawDir]) {
    for (const fan of listDirectory(top).filter((n) => FAN.test(n))) sweep(join(top, fan), stagedPid);
  }
  return removed;
}

