import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import type { FsckProblem } from '../../model/git/fsckProblem.js';
import { asOid, type Oid } from '../../model/git/oid.js';
import { removeStaleTempFiles } from '../repository/removeStaleTempFiles.js';
import { withRepoLock } from '../repository/repoLock.js';
import { openRepository, type Repository } from '../repository/repository.js';
import { restoreLooseBlobFromRaw } from './restoreLooseBlobFromRaw.js';
import type { ProgressCallback } from '../blobs/storeFilesInParallel.js';
import { verifyCheckouts, type CheckoutToVerify } from './verifyCheckouts.js';
import { verifyLooseObjects } from './verifyLooseObjects.js';
import { verifyPacks, type DamagedPack } from './verifyPacks.js';
import { rewriteDamagedPack } from './rewriteDamagedPack.js';
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
 * native git (and names each corrupt object of a pack it rejects), walks every ref down to its
 * blobs and meta records (each line checked against its blob), and checks that each ref's
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
  // Also before the raw pass.
  if (repair) for (const pack of packs.damaged) await repairDamagedPack(repo, pack, packs.corrupt);
  const raw = await verifyRawCache(repo, { repair, onProgress });
  const coverage = verifyRawCoverage(repo, { repair, damaged: raw.damaged });
  const corrupt = new Set([...loose.corrupt, ...packs.corrupt]);
  const reachable = await verifyReachable(repo, { corrupt, looseBlobSizes: loose.blobSizes, onTipSnapshot: coverage.checkSnapshot, repair, onProgress });
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

/**
 * A pack whose corrupt objects are all blobs with an intact raw copy: each is written again as
 * a loose object from it, and the pack rewritten without its damaged copies (rewriteDamagedPack).
 * When one cannot be restored, the pack stays as it is (its loose copies help readers meanwhile).
 */
async function repairDamagedPack(repo: Repository, pack: DamagedPack, corrupt: Set<Oid>): Promise<void> {
  const sources: string[] = [];
  for (const problem of pack.problems) {
    const source = await restoreLooseBlobFromRaw(repo, asOid(problem.oid!));
    if (source === null) return;
    sources.push(source);
  }
  let rewritten: string;
  try {
    rewritten = await rewriteDamagedPack(repo, pack);
  } catch (err) {
    if (!isHacktreeError(err, 'EXTERNAL_COMMAND_FAILED')) throw err;
    for (const problem of pack.problems) problem.detail += `; --repair restored a loose copy but could not rewrite the pack: ${err.message}`;
    return;
  }
  pack.problems.forEach((problem, i) => {
    problem.repaired = `rewritten from the intact raw cache file ${sources[i]}, and the pack rewritten as ${rewritten}`;
    corrupt.delete(asOid(problem.oid!));
  });
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
