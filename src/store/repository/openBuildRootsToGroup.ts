import { chownSync, chmodSync, statSync } from 'node:fs';
import type { Repository } from './repository.js';

/**
 * Lets members of group `gid` reach the build roots' checkouts (REPO/hacktree/buildroots/TREE)
 * to run a build over them, without listing anything on the way: each directory from the
 * repository down to buildroots that others cannot search gets the group and search permission
 * only (mode --x for the group, its owner's bits kept). The layers' own files keep their modes,
 * but the top directory of each of `layers` that is not readable and searchable by all (a checkout
 * is staged in a 0700 directory, and a tree without a mode for its top keeps that) becomes so:
 * the build lists it and mounts it as an overlay lower layer as the developer, and, below the
 * group-only buildroots, no one else reaches it.
 * Members of the daemon's group may read everything (docs/daemon.md); others still reach nothing.
 */
export function openBuildRootsToGroup(repo: Repository, gid: number, layers: readonly string[] = []): void {
  for (const layer of layers) {
    const { mode } = statSync(layer);
    if ((mode & 0o055) !== 0o055) chmodSync(layer, (mode & 0o7777) | 0o055);
  }
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
