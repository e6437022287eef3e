import { chownSync, chmodSync, statSync } from 'node:fs';
import type { Repository } from './repository.js';

/**
 * Lets members of group `gid` reach the build roots' checkouts (REPO/hacktree/buildroots/TREE)
 * to run a build over them, without listing anything on the way: each directory from the
 * repository down to buildroots that others cannot search gets the group and search permission
 * only (mode --x for the group, its owner's bits kept). The layers' own files keep their modes.
 * Members of the daemon's group may read everything (docs/daemon.md); others still reach nothing.
 */
export function openBuildRootsToGroup(repo: Repository, gid: number): void {
  for (const dir of [repo.dir, `${repo.dir}/hacktree`, repo.buildRootsDir]) {
    const { mode, gid: owningGroup } = statSync(dir);
    if ((mode & 0o001) !== 0) continue;
    if (owningGroup === gid) {
      if ((mode & 0o010) === 0) chmodSync(dir, (mode & 0o7777) | 0o010);
      continue;
    }
    // The group's bits were meant for the old group: the new one gets search alone.
    chownSync(dir, -1, gid);
    chmodSync(dir, (mode & 0o7707) | 0o010);
  }
}
