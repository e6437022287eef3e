import { HacktreeError } from '../../errors/HacktreeError.js';
import type { Oid } from '../../model/git/oid.js';
import { fillRawCache, type FillRawCacheOptions } from '../../store/raw/fillRawCache.js';
import { readRef } from '../../store/refs/refs.js';
import type { Remote } from '../../store/remote/remoteConfig.js';
import { withRepoLock } from '../../store/repository/repoLock.js';
import type { Repository } from '../../store/repository/repository.js';
import { runGit } from '../../store/repository/runGit.js';
import { withRepoWrite } from '../../store/repository/withRepoWrite.js';
import { verifyCommitSignature } from '../../store/signatures/verifyCommitSignature.js';
import { readSnapshot } from '../../store/snapshot/readSnapshot.js';

export interface PulledRoot {
  branch: string;
  commit: Oid;
  previous: Oid | null;
  /** Raw cache entries made for it. */
  rawEntries: number;
}

/**
 * hacktree's checks of a pulled commit, whatever carried its objects (a git fetch, a static
 * repository's packs): its signature when the remote has --verify, its snapshot (files/ tree
 * and meta record) reads, and every blob is read, checked against its id (re-hashed, or hashed by
 * whatever just indexed its pack) and put into the raw cache (so
 * `root checkout` links, and fsck finds the raw objects). Returns the raw entries made.
 */
export async function checkPulledCommit(repo: Repository, remote: Remote, branch: string, commit: Oid, fill: FillRawCacheOptions = {}): Promise<number> {
  if (remote.verify) await verifyCommitSignature(repo, commit, { allowedSigners: remote.allowedSigners!, what: `${branch} from remote "${remote.name}"` });
  let snapshot;
  try {
    snapshot = await readSnapshot(repo, commit);
  } catch (err) {
    throw new HacktreeError('PACK_INVALID', `${branch} from remote "${remote.name}" is not a valid hacktree root: ${(err as Error).message}`, {
      hint: 'the remote branch was not written by hacktree, or is damaged there; nothing was changed here',
      data: { branch, commit },
      cause: err,
    });
  }
  return fillRawCache(repo, snapshot.entries, fill);
}

/**
 * Moves the checked roots' branches and refs/remotes/REMOTE/BRANCH together, in one ref
 * transaction guarded by the branches' values before the pull, then records which remote each
 * branch came from (deploying it checks signatures again when the remote has --verify).
 * `afterRefs` runs under the same lock, once the refs moved.
 */
export async function movePulledBranches(repo: Repository, remote: Remote, pulled: readonly PulledRoot[], afterRefs?: () => Promise<void>): Promise<void> {
  await withRepoWrite(repo, async (refs) => {
    for (const { branch, commit, previous } of pulled) {
      refs.set(`refs/heads/${branch}`, commit, previous);
      const tracking = `refs/remotes/${remote.name}/${branch}`;
      refs.set(tracking, commit, await readRef(repo, tracking));
    }
  });
  await withRepoLock(repo, async () => {
    await afterRefs?.();
    for (const { branch } of pulled) await runGit(repo, ['config', `branch.${branch}.hacktreeRemote`, remote.name]);
  });
}
