import type { FsEntry } from '../model/fsEntry.js';
import type { Oid } from '../model/oid.js';
import type { RefTransaction } from './refTransaction.js';
import { topTreeOf } from './readSnapshot.js';
import { branchRef, readRef } from './refs.js';
import type { Repository } from './repository.js';
import { writeCommit } from './writeCommit.js';
import { writeSnapshot, type SnapshotExtras } from './writeSnapshot.js';

export interface CommittedSnapshot {
  branch: string;
  commit: Oid;
  tree: Oid;
  parent: Oid | null;
  /** False when `unlessSameTree` found the branch's tip already holding this tree: nothing was committed. */
  created: boolean;
}

/**
 * Writes a snapshot as a commit on top of a branch and queues the branch's move in the caller's
 * ref transaction (which flushes before any ref moves). The caller holds the repository lock.
 */
export async function commitSnapshot(
  repo: Repository,
  options: {
    branch: string;
    entries: readonly FsEntry[];
    extras?: SnapshotExtras;
    message: string;
    refs: RefTransaction;
    /** Commit nothing when the tip already has this tree (a re-run with the same content). */
    unlessSameTree?: boolean;
    /** An SSH private key file to sign the commit with. */
    signKey?: string;
  },
): Promise<CommittedSnapshot> {
  const ref = branchRef(options.branch);
  const parent = options.refs.pending(ref) ?? (await readRef(repo, ref));
  const tree = writeSnapshot(repo, options.entries, options.extras);
  if (options.unlessSameTree === true && parent !== null && (await topTreeOf(repo, parent)) === tree) {
    return { branch: options.branch, commit: parent, tree, parent, created: false };
  }
  const commit = writeCommit(repo, { tree, parents: parent ? [parent] : [], message: options.message, signKey: options.signKey });
  options.refs.set(ref, commit, parent);
  return { branch: options.branch, commit, tree, parent, created: true };
}
