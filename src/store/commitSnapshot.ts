import type { FsEntry } from '../model/fsEntry.js';
import type { Oid } from '../model/oid.js';
import { branchRef, readRef, updateRef } from './refs.js';
import type { Repository } from './repository.js';
import { writeCommit } from './writeCommit.js';
import { writeSnapshot, type SnapshotExtras } from './writeSnapshot.js';

export interface CommittedSnapshot {
  branch: string;
  commit: Oid;
  tree: Oid;
  parent: Oid | null;
}

/**
 * Writes a snapshot as a commit on top of a branch and moves the branch, after everything it
 * points to is on disk. The caller holds the repository lock.
 */
export async function commitSnapshot(
  repo: Repository,
  options: { branch: string; entries: readonly FsEntry[]; extras?: SnapshotExtras; message: string },
): Promise<CommittedSnapshot> {
  const ref = branchRef(options.branch);
  const parent = await readRef(repo, ref);
  const tree = writeSnapshot(repo, options.entries, options.extras);
  const commit = writeCommit(repo, { tree, parents: parent ? [parent] : [], message: options.message });
  await updateRef(repo, ref, commit, parent);
  return { branch: options.branch, commit, tree, parent };
}
