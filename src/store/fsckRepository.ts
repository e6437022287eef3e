import { HacktreeError } from '../errors/HacktreeError.js';
import type { FsckProblem } from '../model/fsckProblem.js';
import { asOid } from '../model/oid.js';
import { removeStaleTempFiles } from './removeStaleTempFiles.js';
import { withRepoLock } from './repoLock.js';
import { openRepository, type Repository } from './repository.js';
import { restoreLooseBlobFromRaw } from './restoreLooseBlobFromRaw.js';
import type { ProgressCallback } from './storeFilesInParallel.js';
import { verifyCheckouts, type CheckoutToVerify } from './verifyCheckouts.js';
import { verifyLooseObjects } from './verifyLooseObjects.js';
import { verifyPacks } from './verifyPacks.js';
import { verifyRawCache } from './verifyRawCache.js';
import { verifyStoreDirectories } from './verifyStoreDirectories.js';
import { verifyRawCoverage } from './verifyRawCoverage.js';
import { verifyReachable } from './verifyReachable.js';

export interface FsckOptions {
  repoDir: string;
  /** Delete damaged raw files and rebuild raw objects from git (holding the repository lock). */
  repair?: boolean;
  onProgress?: ProgressCallback;
  /** Checkouts (deployments) to compare with their commits. */
  checkouts?: readonly CheckoutToVerify[];
}

export interface FsckReport {
  repo: string;
  repair: boolean;
  checked: { looseObjects: number; packs: number; rawFiles: number; refs: number; commits: number; trees: number; blobs: number; checkouts: number };
  /** Leftovers of killed processes removed from hacktree/tmp. */
  removedTempFiles: string[];
  /** Everything found, repaired or not. */
  problems: FsckProblem[];
  /** Problems not repaired. */
  remaining: number;
}

/**
 * `hacktree fsck`: re-hashes every loose object and every raw cache file, verifies packs with
 * native git, walks every ref down to its blobs and meta records, and checks that each ref's
 * files have raw objects. Memory stays bounded: contents are streamed, one object at a time.
 */
export async function fsckRepository(options: FsckOptions): Promise<FsckReport> {
  // Any raw cache, even one that is not a directory: fsck reports it, and --repair rebuilds it.
  const repo = openRepository(options.repoDir, { rawCache: 'any' });
  const repair = options.repair === true;
  const run = () => checkRepository(repo, repair, options.onProgress, options.checkouts ?? []);
  return repair ? withRepoLock(repo, run) : run();
}

async function checkRepository(
  repo: Repository,
  repair: boolean,
  onProgress: ProgressCallback | undefined,
  checkouts: readonly CheckoutToVerify[],
): Promise<FsckReport> {
  const directories = verifyStoreDirectories(repo, { repair });
  const removedTempFiles = removeStaleTempFiles(repo);
  const loose = await verifyLooseObjects(repo, onProgress);
  if (repair) {
    // Before the raw pass, which may delete a raw file whose content is still good.
    for (const problem of loose.problems) {
      const oid = asOid(problem.oid!);
      const source = await restoreLooseBlobFromRaw(repo, oid);
      if (source === null) continue;
      problem.repaired = `rewritten from the intact raw cache file ${source}`;
      loose.corrupt.delete(oid);
    }
  }
  const packs = verifyPacks(repo);
  const raw = await verifyRawCache(repo, { repair, onProgress });
  const coverage = verifyRawCoverage(repo, { repair, damaged: raw.damaged });
  const reachable = await verifyReachable(repo, { corrupt: loose.corrupt, onTipSnapshot: coverage.checkSnapshot, repair, onProgress });
  const deployed = await verifyCheckouts(repo, checkouts, raw.problems);
  const problems = [...directories, ...loose.problems, ...packs.problems, ...reachable.problems, ...raw.problems, ...coverage.problems, ...deployed.problems];
  return {
    repo: repo.dir,
    repair,
    checked: {
      looseObjects: loose.checked,
      packs: packs.packs,
      rawFiles: raw.checked,
      refs: reachable.refs,
      commits: reachable.commits,
      trees: reachable.trees,
      blobs: reachable.blobs,
      checkouts: deployed.checked,
    },
    removedTempFiles,
    problems,
    remaining: problems.filter((p) => p.repaired === undefined).length,
  };
}

/** The error for a repository with problems left: the report travels in its data. */
export function fsckFailure(report: FsckReport): HacktreeError {
  const objectsHint = report.repair
    ? 'what is left cannot be rebuilt from this repository: fetch the damaged git objects again from a clone of the roots, or re-import the artifacts'
    : '"hacktree fsck --repair" rebuilds the raw cache from git, and a corrupt blob from an intact raw copy; other git objects must come again from a clone';
  // No repair guesses a damaged ref's commit: that is for a person to decide.
  const refsHint = report.problems.some((p) => p.kind === 'ref-damaged' && p.repaired === undefined)
    ? `; for a ref-damaged ref, "git --git-dir=${report.repo} fsck" names the commits no ref reaches ("dangling commit"): write the right id into the ref's file, or remove the file, directory or packed-refs line (prune refuses to run until then)`
    : '';
  return new HacktreeError('FSCK_FAILED', `${report.remaining} problem${report.remaining === 1 ? '' : 's'} in ${report.repo}`, {
    hint: `${objectsHint}${refsHint}`,
    data: { ...report },
  });
}
