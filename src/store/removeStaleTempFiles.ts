import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../errors/errnoOf.js';
import { isAlive } from './repoLock.js';
import type { Repository } from './repository.js';

/**
 * Removes what killed processes left in hacktree/tmp. Temporary names start with the writer's
 * pid (see atomicWrite): files of a live process are in use and stay.
 */
export function removeStaleTempFiles(repo: Repository): string[] {
  let names: string[];
  try {
    names = readdirSync(repo.tmpDir);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return [];
    throw err;
  }
  const removed: string[] = [];
  for (const name of names.sort()) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
    const path = join(repo.tmpDir, name);
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}
