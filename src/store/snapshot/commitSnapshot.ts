import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import type { Oid } from '../../model/git/oid.js';
import type { RefTransaction } from '../refs/refTransaction.js';
import { topTreeOf } from './readSnapshot.js';
import { branchRef, checkRefCreatable, readRef } from '../refs/refs.js';
import { readObjectOfType } from '../objects/objectStore.js';
import type { Repository } from '../repository/repository.js';
import { writeCommit } from '../objects/writeCommit.js';
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
  if (!ref.startsWith('refs/heads/')) {
    throw new HacktreeError('REF_NAME_INVALID', `cannot commit to ${ref}: commits go on branches (refs/heads/)`, {
      hint: 'give a branch name such as root-NAME',
      data: { ref },
    });
  }
  const pending = options.refs.pending(ref);
  const parent = pending ?? (await readRef(repo, ref));
  if (parent === null) checkRefCreatable(repo, ref);
  else if (pending === undefined) await requireTip(repo, ref, parent);
  const tree = writeSnapshot(repo, options.entries, options.extras);
  if (options.unlessSameTree === true && parent !== null && (await topTreeOf(repo, parent)) === tree) {
    return { branch: options.branch, commit: parent, tree, parent, created: false };
  }
  const commit = writeCommit(repo, { tree, parents: parent ? [parent] : [], message: options.message, signKey: options.signKey });
  options.refs.set(ref, commit, parent);
  return { branch: options.branch, commit, tree, parent, created: true };
}

/** A branch's tip must be there to build on: a commit on a missing one would bury the loss under a new history. */
async function requireTip(repo: Repository, ref: string, tip: Oid): Promise<void> {
  try {
    await readObjectOfType(repo, tip, 'commit');
  } catch (err) {
    if (!isHacktreeError(err) || (err.code !== 'OBJECT_MISSING' && err.code !== 'OBJECT_CORRUPT')) throw err;
    throw new HacktreeError(err.code, `${ref} points to commit ${tip}, which cannot be read (${err.message}): nothing was committed on it`, {
      hint: `run "hacktree fsck" to see what else is damaged; fetch the commit again ("hacktree fsck --repair --from REMOTE"), or point ${ref} at an intact commit`,
      data: { ref, commit: tip },
      cause: err,
    });
  }
}
