import { HacktreeError } from '../../errors/HacktreeError.js';
import type { Oid } from '../../model/git/oid.js';
import { fetchFromRemote } from '../../store/remote/fetchFromRemote.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { fillRawCache } from '../../store/raw/fillRawCache.js';
import { readSnapshot } from '../../store/snapshot/readSnapshot.js';
import { readRemote, type Remote } from '../../store/remote/remoteConfig.js';
import { deleteRef, readRef } from '../../store/refs/refs.js';
import { withRepoLock } from '../../store/repository/repoLock.js';
import { openRepository, type Repository } from '../../store/repository/repository.js';
import { runGit } from '../../store/repository/runGit.js';
import { INCOMING_REF_PREFIX } from '../../store/refs/incomingRefs.js';
import type { ProgressCallback } from '../../store/blobs/storeFilesInParallel.js';
import { verifyCommitSignature } from '../../store/signatures/verifyCommitSignature.js';
import { withRepoWrite } from '../../store/repository/withRepoWrite.js';
import { remoteBranch } from './remoteBranch.js';

export interface PullOptions {
  repoDir: string;
  remote: string;
  roots: readonly string[];
  depth?: number;
  onProgress?: ProgressCallback;
  /** git's own progress lines, for a terminal. */
  onGitProgress?: (text: string) => void;
}

export interface PulledRoot {
  branch: string;
  commit: Oid;
  previous: Oid | null;
  /** Raw cache entries made for it. */
  rawEntries: number;
}

/**
 * `hacktree pull REMOTE ROOT...`: each root's branch is fetched into a quarantine ref
 * (refs/hacktree/incoming/REMOTE/BRANCH) with every received object checked by git, one fetch
 * per root. Then hacktree checks each pulled commit: its snapshot (files/ tree and meta record)
 * reads, its signature when the remote has --verify, and every blob is read, re-hashed and put
 * into the raw cache (so `root checkout` links, and fsck finds the raw objects). Only then do
 * the branches (and refs/remotes/REMOTE/BRANCH) move, together, in one ref transaction,
 * guarded by their values before the pull.
 *
 * Resuming: a root whose fetch completed keeps its quarantine ref when a later step or root
 * fails or the process is killed; the next pull's negotiation offers it as a "have", so its
 * objects are not sent again. A transfer cut mid-pack keeps nothing of that pack (git smart
 * HTTP cannot resume a pack), so roots are fetched one by one to bound what a cut costs.
 */
export async function pullRoots(options: PullOptions): Promise<{ remote: string; pulled: PulledRoot[] }> {
  const repo = openRepository(options.repoDir);
  const remote = await readRemote(repo, options.remote);
  const branches = [...new Set(options.roots.map(remoteBranch))];
  const previous = new Map<string, Oid | null>();
  for (const branch of branches) previous.set(branch, await readRef(repo, `refs/heads/${branch}`));
  const incoming = new Map<string, Oid>();
  for (const branch of branches) {
    const quarantine = `${INCOMING_REF_PREFIX}${remote.name}/${branch}`;
    await fetchFromRemote(repo, remote, [`+refs/heads/${branch}:${quarantine}`], { depth: options.depth, onStderr: options.onGitProgress });
    const commit = await readRef(repo, quarantine);
    if (commit === null) throw new HacktreeError('REMOTE_FAILED', `git fetch of ${branch} from remote "${remote.name}" wrote no ref`, { hint: 'run the pull again' });
    incoming.set(branch, commit);
    failpoint('pull-after-fetch');
  }
  const pulled: PulledRoot[] = [];
  for (const [branch, commit] of incoming) {
    const rawEntries = await checkPulledCommit(repo, remote, branch, commit, options.onProgress).catch(async (err: unknown) => {
      // What failed hacktree's checks is not kept as a "have" for the next pull.
      await withRepoLock(repo, () => deleteRef(repo, `${INCOMING_REF_PREFIX}${remote.name}/${branch}`));
      throw err;
    });
    pulled.push({ branch, commit, previous: previous.get(branch)!, rawEntries });
    failpoint('pull-after-checks');
  }
  await withRepoWrite(repo, async (refs) => {
    for (const { branch, commit, previous: before } of pulled) {
      refs.set(`refs/heads/${branch}`, commit, before);
      const tracking = `refs/remotes/${remote.name}/${branch}`;
      refs.set(tracking, commit, await readRef(repo, tracking));
    }
  });
  await withRepoLock(repo, async () => {
    for (const { branch } of pulled) {
      await deleteRef(repo, `${INCOMING_REF_PREFIX}${remote.name}/${branch}`);
      // Deploying this branch checks signatures again when the remote has --verify.
      await runGit(repo, ['config', `branch.${branch}.hacktreeRemote`, remote.name]);
    }
  });
  return { remote: remote.name, pulled };
}

async function checkPulledCommit(repo: Repository, remote: Remote, branch: string, commit: Oid, onProgress?: ProgressCallback): Promise<number> {
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
  return fillRawCache(repo, snapshot.entries, onProgress);
}
