import type { GitCommit } from '../../model/git/gitCommit.js';
import { parseConfigMessage } from '../../model/root/configCommitMessage.js';
import { parseLocalRecord } from '../../model/artifact/localRecord.js';
import type { Oid } from '../../model/git/oid.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { findNeededObjects, type HistoryCut, type NeededTip } from '../../store/gc/findNeededObjects.js';
import { damagedRefsError } from '../../store/refs/damagedRef.js';
import { deleteRef, updateRef } from '../../store/refs/refs.js';
import { withRepoLock } from '../../store/repository/repoLock.js';
import { openRepository } from '../../store/repository/repository.js';
import { removeCommitGraph } from '../../store/gc/removeCommitGraph.js';
import { scanRefs } from '../../store/refs/scanRefs.js';
import { packBytes, repackRepository } from '../../store/gc/repackRepository.js';
import { readShallowCommits, writeShallowCommits } from '../../store/objects/shallowCommits.js';
import { sweepUnneeded, type SweepReport } from '../../store/gc/sweepUnneeded.js';
import { syncRepository } from '../../store/repository/syncRepository.js';
import { deploymentsOfRepository } from '../deploy/deploymentState.js';

export interface PruneOptions {
  repoDir: string;
  /** Keep only the newest N commits of each branch's first-parent history (0 keeps the tips). */
  keep?: number;
  /** Cut each branch's commits older than this many seconds (the tip always stays). */
  olderThanSeconds?: number;
  dryRun?: boolean;
  /** Deployment prefixes whose deployments of this repository are kept. */
  prefixes: readonly string[];
  /** Seconds since the epoch (default: now). */
  now?: number;
}

export interface PruneReport extends SweepReport {
  repo: string;
  dryRun: boolean;
  /** Commits kept: branch histories (cut), other refs' whole histories, deployments. */
  keptCommits: number;
  /** Commits whose parents are cut away (git's `shallow` file). */
  shallow: Oid[];
  /** Commits deployed under the prefixes: always kept, and pinned by refs/hacktree/deployed/<commit>. */
  deployed: Oid[];
  /** When packs exist, they are rewritten with what is needed (`git repack -a -d`): the bytes that returned. */
  packBytesFreed: number;
}

/** Refs hacktree keeps so a deployed commit stays reachable for native git (gc) after its branch's history was cut. */
export const DEPLOYED_REF_PREFIX = 'refs/hacktree/deployed/';

/**
 * `hacktree prune`: under the repository lock, refuses while any ref cannot be read, computes
 * everything the refs, the cut histories and the deployments need (reading only), then writes
 * the new `shallow` file and the deployment pins, flushes, and only then removes loose objects
 * and raw cache files nothing needs, and rewrites the packs if a native `git gc` made some. A
 * crash at any point leaves every needed object.
 */
export async function pruneRepository(options: PruneOptions): Promise<PruneReport> {
  const repo = openRepository(options.repoDir);
  const dryRun = options.dryRun === true;
  return withRepoLock(repo, async () => {
    const deployed = [...new Set(options.prefixes.flatMap((prefix) => deploymentsOfRepository(prefix, repo.dir).map((d) => d.commit as Oid)))].sort();
    const cutting = options.keep !== undefined || options.olderThanSeconds !== undefined;
    const now = options.now ?? Math.floor(Date.now() / 1000);
    const tips: NeededTip[] = [];
    // A ref that cannot be read may be the only name of a history: prune would delete it all.
    const scan = scanRefs(repo, 'refs/');
    if (scan.damaged.length > 0) throw damagedRefsError(repo, scan.damaged, 'prune refuses to run, as it would delete the history of what it cannot read');
    const pins = scan.refs.filter(({ ref }) => ref.startsWith(DEPLOYED_REF_PREFIX));
    for (const { ref, oid } of scan.refs) {
      if (ref.startsWith(DEPLOYED_REF_PREFIX)) continue;
      if (!cutting || !ref.startsWith('refs/heads/')) tips.push({ oid, history: 'all' });
      else tips.push({ oid, history: cutOf(ref, options, now) });
    }
    for (const oid of deployed) tips.push({ oid, history: 'self' });
    const needed = await findNeededObjects(repo, tips);
    if (!dryRun) {
      const old = readShallowCommits(repo);
      if (old.size !== needed.shallow.size || [...old].some((c) => !needed.shallow.has(c))) writeShallowCommits(repo, needed.shallow);
      for (const { ref, oid } of pins) if (!deployed.includes(oid) || ref !== `${DEPLOYED_REF_PREFIX}${oid}`) await deleteRef(repo, ref);
      for (const oid of deployed) if (!pins.some((p) => p.oid === oid)) await updateRef(repo, `${DEPLOYED_REF_PREFIX}${oid}`, oid);
      removeCommitGraph(repo);
      syncRepository(repo);
      failpoint('prune-after-shallow');
    }
    const swept = await sweepUnneeded(repo, needed, { dryRun });
    let packBytesFreed = 0;
    if (swept.packs > 0 && !dryRun) {
      const before = packBytes(repo);
      repackRepository(repo);
      packBytesFreed = Math.max(0, before - packBytes(repo));
    }
    return { repo: repo.dir, dryRun, keptCommits: needed.commits.size, shallow: [...needed.shallow].sort(), deployed, ...swept, packBytesFreed };
  });
}

function cutOf(ref: string, options: PruneOptions, now: number): HistoryCut {
  return {
    keep: options.keep,
    notBefore: options.olderThanSeconds === undefined ? undefined : now - options.olderThanSeconds,
    // A local branch keeps what `root update` reads: the config.d commits above its newest local
    // record, and that record (or, on a branch only config apply made, the commit they were made on).
    through: ref.startsWith('refs/heads/local/') ? (commit: GitCommit) => parseLocalRecord(commit.message) !== null || parseConfigMessage(commit.message) === null : undefined,
  };
}
