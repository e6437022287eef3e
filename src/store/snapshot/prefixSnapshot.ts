import type { Oid } from '../../model/git/oid.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { joinRepoPath, TOP } from '../../model/snapshot/repoPath.js';
import type { Repository } from '../repository/repository.js';
import { withRepoWrite } from '../repository/withRepoWrite.js';
import { readSnapshot } from './readSnapshot.js';
import { writeSnapshot } from './writeSnapshot.js';

/**
 * The snapshot `tree` moved under the directory `dir` (one name, root-owned, mode 0755; the
 * tree's own top directory is not kept: an artifact's is its DESTDIR's), with its artifact
 * record: what a cross build stacks its dependencies at, its sysroot. Equal inputs give the same id.
 */
export async function prefixSnapshot(repo: Repository, tree: Oid, dir: string): Promise<Oid> {
  const snapshot = await readSnapshot(repo, tree);
  const top = joinRepoPath(TOP, dir);
  const directory = { mode: 0o755, uid: 0, gid: 0, xattrs: [] };
  const entries: FsEntry[] = [{ kind: 'dir', path: TOP, ...directory }, { kind: 'dir', path: top, ...directory }];
  for (const entry of snapshot.entries) if (entry.path !== TOP) entries.push({ ...entry, path: joinRepoPath(top, entry.path) });
  return withRepoWrite(repo, async () => writeSnapshot(repo, entries, { artifact: snapshot.artifact }));
}
