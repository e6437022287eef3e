import { rmSync } from 'node:fs';
import { sep } from 'node:path';
import type { FsckProblem } from '../../model/git/fsckProblem.js';
import { fetchFromRemote } from '../remote/fetchFromRemote.js';
import { fsckRepository, type FsckOptions, type FsckReport } from './fsckRepository.js';
import { deleteRef, listRefs } from '../refs/refs.js';
import { readRemote, type Remote } from '../remote/remoteConfig.js';
import { withRepoLock } from '../repository/repoLock.js';
import { openRepository, type Repository } from '../repository/repository.js';
import { INCOMING_REF_PREFIX } from '../refs/incomingRefs.js';

export interface RepairFromRemoteReport extends FsckReport {
  /** Git objects that were corrupt or missing here and were fetched again. */
  refetched: string[];
}

export interface RepairFromRemoteOptions extends FsckOptions {
  remote: string;
  /**
   * How damaged objects come again from a static remote (docs/static.md): the packs that hold
   * them, which the root layer knows how to fetch (refetchFromStatic).
   */
  refetchStatic?: (repo: Repository, remote: Remote, bad: readonly FsckProblem[]) => Promise<unknown>;
}

/**
 * `hacktree fsck --repair --from REMOTE`: finds corrupt and missing git objects, removes the
 * corrupt loose files (git would otherwise keep reading them), fetches the remote's branches
 * again in full (`git fetch --refetch`: a normal fetch sends nothing for commits this repository
 * claims to have) into quarantine refs that are dropped afterwards, then runs the ordinary
 * repair, which rebuilds the raw cache from the good objects. A corrupt object inside a pack
 * stays (git cannot remove one object from a pack): the refetched pack holds a good copy, and
 * `git repack -a -d` drops the bad one. From a static remote, options.refetchStatic fetches the
 * packs that hold them.
 */
export async function repairFromRemote(options: RepairFromRemoteOptions): Promise<RepairFromRemoteReport> {
  const repo = openRepository(options.repoDir);
  const remote = await readRemote(repo, options.remote);
  const before = await fsckRepository({ repoDir: options.repoDir, onProgress: options.onProgress });
  const bad = before.problems.filter((p) => (p.kind === 'object-corrupt' || p.kind === 'object-missing') && p.oid !== undefined);
  const incoming = `${INCOMING_REF_PREFIX}${remote.name}/repair/`;
  if (bad.length > 0) {
    await withRepoLock(repo, () => {
      // A static remote's packs replace damaged packs whole (refetchStatic), once the good one is here.
      for (const p of bad) if (p.kind === 'object-corrupt' && p.path.startsWith(repo.objectsDir + sep) && !(remote.static && p.path.endsWith('.pack'))) rmSync(p.path, { force: true });
    });
    if (remote.static) {
      if (options.refetchStatic === undefined) throw new Error(`repairFromRemote: remote "${remote.name}" is static and no refetchStatic was given`);
      await options.refetchStatic(repo, remote, bad);
    } else try {
      await fetchFromRemote(repo, remote, [`+refs/heads/*:${incoming}*`], { refetch: true });
    } finally {
      await withRepoLock(repo, async () => {
        for (const { ref } of await listRefs(repo, incoming)) await deleteRef(repo, ref);
      });
    }
  }
  const after = await fsckRepository({ ...options, repair: true });
  const stillBad = new Set(after.problems.filter((p) => p.kind === 'object-corrupt' || p.kind === 'object-missing').map((p) => p.oid));
  const refetched = bad.map((p) => p.oid!).filter((oid) => !stillBad.has(oid));
  for (const p of bad) {
    if (!stillBad.has(p.oid)) p.repaired = `fetched again from remote "${remote.name}"`;
    else p.detail += `; remote "${remote.name}" did not provide it (none of the commits it publishes that are here holds it)`;
  }
  const problems = [...bad, ...after.problems.filter((p) => !bad.some((b) => b.oid === p.oid && b.kind === p.kind))];
  return { ...after, problems, remaining: problems.filter((p) => p.repaired === undefined).length, refetched };
}
