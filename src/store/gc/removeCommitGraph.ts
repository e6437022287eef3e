import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Repository } from '../repository/repository.js';

/**
 * Removes the commit-graph a native `git gc` writes (objects/info/commit-graph, or the split
 * chain in commit-graphs/): it lists every commit, and once prune removes some, `git fsck` would
 * reject it. It is only an index; git writes it again at the next gc.
 */
export function removeCommitGraph(repo: Repository): void {
  rmSync(join(repo.objectsDir, 'info', 'commit-graph'), { force: true });
  rmSync(join(repo.objectsDir, 'info', 'commit-graphs'), { force: true, recursive: true });
}
