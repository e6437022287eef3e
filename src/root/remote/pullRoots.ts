import { HacktreeError } from '../../errors/HacktreeError.js';
import type { Oid } from '../../model/git/oid.js';
import { fetchFromRemote } from '../../store/remote/fetchFromRemote.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { readRemote } from '../../store/remote/remoteConfig.js';
import { deleteRef, readRef } from '../../store/refs/refs.js';
import { withRepoLock } from '../../store/repository/repoLock.js';
import { openRepository } from '../../store/repository/repository.js';
import { INCOMING_REF_PREFIX } from '../../store/refs/incomingRefs.js';
import type { ProgressCallback } from '../../store/blobs/storeFilesInParallel.js';
import { checkPulledCommit, movePulledBranches, type PulledRoot } from './acceptPulledRoots.js';
import { remoteBranch } from './remoteBranch.js';
import type { StaticPullResult } from './pullStaticRoots.js';

export interface PullOptions {
  repoDir: string;
  remote: string;
  roots: readonly string[];
  depth?: number;
  onProgress?: ProgressCallback;
  /** git's own progress lines, for a terminal. */
  onGitProgress?: (text: string) => void;
  /** From a static repository: accept its index past its expiry (pull --allow-expired). */
  allowExpired?: boolean;
}

export type { PulledRoot } from './acceptPulledRoots.js';

export interface PullResult {
  remote: string;
  pulled: PulledRoot[];
  /** From a static repository: what travelled. */
  static?: Omit<StaticPullResult, 'pulled'>;
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
export async function pullRoots(options: PullOptions): Promise<PullResult> {
  const repo = openRepository(options.repoDir);
  const remote = await readRemote(repo, options.remote);
  if (remote.static) {
    if (options.depth !== undefined && options.depth !== 1) {
      throw new HacktreeError('USAGE', `remote "${remote.name}" is a static repository, which serves each root's newest commit: --depth ${options.depth} does not apply`, { hint: 'leave out --depth (a static pull fetches the newest commit only, as --depth 1 does)' });
    }
    const { pullStaticRoots } = await import('./pullStaticRoots.js');
    const { pulled, ...transfer } = await pullStaticRoots(repo, remote, { roots: options.roots, onProgress: options.onProgress, allowExpired: options.allowExpired });
    return { remote: remote.name, pulled, static: transfer };
  }
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
    const rawEntries = await checkPulledCommit(repo, remote, branch, commit, { onProgress: options.onProgress }).catch(async (err: unknown) => {
      // What failed hacktree's checks is not kept as a "have" for the next pull.
      await withRepoLock(repo, () => deleteRef(repo, `${INCOMING_REF_PREFIX}${remote.name}/${branch}`));
      throw err;
    });
    pulled.push({ branch, commit, previous: previous.get(branch)!, rawEntries });
    failpoint('pull-after-checks');
  }
  await movePulledBranches(repo, remote, pulled, async () => {
    for (const { branch } of pulled) await deleteRef(repo, `${INCOMING_REF_PREFIX}${remote.name}/${branch}`);
  });
  return { remote: remote.name, pulled };
}
