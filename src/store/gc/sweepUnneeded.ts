import { lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Oid } from '../../model/git/oid.js';
import { TEMP_OBJECT_PREFIX } from '../repository/atomicWrite.js';
import type { NeededObjects } from './findNeededObjects.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { filesTreeMemoDir } from '../snapshot/filesTreeMemo.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import { listFanOut } from '../../platform/fs/listFanOut.js';
import { parseRawObjectName } from '../raw/rawCache.js';
import type { Repository } from '../repository/repository.js';

export interface SweepReport {
  looseObjects: number;
  rawFiles: number;
  /** What the removals return: the sizes of the files whose last link went. */
  bytes: number;
  /** Packs (big commits', pulls', native `git gc`'s): their objects are not counted here. */
  packs: number;
}

const LOOSE_NAME = /^[0-9a-f]{38}$/;

/**
 * Removes the loose objects and raw cache files `needed` does not list (with `dryRun`, only
 * counts them). Only names that are objects or raw entries are touched: temporary files of live
 * writers and anything unknown stay.
 */
export async function sweepUnneeded(repo: Repository, needed: NeededObjects, options: { dryRun: boolean }): Promise<SweepReport> {
  const report: SweepReport = { looseObjects: 0, rawFiles: 0, bytes: 0, packs: listDirectory(join(repo.objectsDir, 'pack')).filter((n) => n.endsWith('.pack')).length };
  const remove = (path: string): void => {
    const st = lstatSync(path);
    if (st.nlink <= 1) report.bytes += st.size;
    if (options.dryRun) return;
    failpoint('prune-remove');
    rmSync(path, { force: true });
  };
  // The files/ tree memo before any object: a memo names only its top tree, so one whose subtrees
  // went while it stayed (prune stopped halfway) would give a commit with missing trees.
  if (!options.dryRun) rmSync(filesTreeMemoDir(repo), { recursive: true, force: true });
  // Raw files first: a raw file stands for its blob (a commit whose stat cache finds the raw file
  // does not write the blob again), so a blob never goes while its raw file stays.
  for await (const { fan, names } of listFanOut(repo.rawDir)) {
    for (const name of names) {
      const path = join(repo.rawDir, fan, name);
      if (name.startsWith(TEMP_OBJECT_PREFIX) || parseRawObjectName(fan, name) === null || needed.rawPaths.has(path)) continue;
      remove(path);
      report.rawFiles++;
    }
  }
  // Derived entry caches of snapshots no kept commit has (not counted: a cache, not data).
  if (!options.dryRun) {
    const entriesDir = join(repo.statCacheDir, 'entries');
    for await (const { fan, names } of listFanOut(entriesDir)) {
      for (const name of names) {
        if (LOOSE_NAME.test(name) && !needed.objects.has(`${fan}${name}` as Oid)) rmSync(join(entriesDir, fan, name), { force: true });
      }
    }
  }
  for await (const { fan, names } of listFanOut(repo.objectsDir)) {
    for (const name of names) {
      if (!LOOSE_NAME.test(name) || needed.objects.has(`${fan}${name}` as Oid)) continue;
      remove(join(repo.objectsDir, fan, name));
      report.looseObjects++;
    }
  }
  return report;
}
