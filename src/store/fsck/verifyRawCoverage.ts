import { isHacktreeError } from '../../errors/HacktreeError.js';
import type { FsckProblem } from '../../model/git/fsckProblem.js';
import { entryExists } from '../../platform/fs/entryExists.js';
import { ensureRaw } from '../raw/ensureRaw.js';
import { rawEntryPath, rawIdOf } from '../raw/rawCache.js';
import type { StoredSnapshot } from '../snapshot/readSnapshot.js';
import type { Repository } from '../repository/repository.js';

export interface RawCoverage {
  /** Give each ref tip's snapshot to this. */
  checkSnapshot: (ref: string, snapshot: StoredSnapshot) => Promise<void>;
  problems: FsckProblem[];
}

/**
 * Checks that every non-directory entry of a snapshot has its raw object; with `repair`, rebuilds missing ones
 * (including those the raw pass deleted as damaged, listed in `damaged`) from their git blobs,
 * one blob in memory at a time.
 */
export function verifyRawCoverage(repo: Repository, options: { repair: boolean; damaged: ReadonlyMap<string, FsckProblem> }): RawCoverage {
  const problems: FsckProblem[] = [];
  const checked = new Set<string>();
  const checkSnapshot = async (ref: string, snapshot: StoredSnapshot): Promise<void> => {
    for (const entry of snapshot.entries) {
      if (entry.kind === 'dir') continue;
      const path = rawEntryPath(repo, entry);
      if (checked.has(path)) continue;
      checked.add(path);
      if (entryExists(path)) continue;
      const damaged = options.damaged.get(path);
      const needed = `raw object for /${entry.path} of ${ref} is missing`;
      if (!options.repair) {
        if (!damaged) problems.push({ kind: 'raw-missing', path, oid: rawIdOf(entry), detail: needed });
        continue;
      }
      try {
        await ensureRaw(repo, entry);
      } catch (err) {
        // OWNER_UNSUPPORTED: a meta record from before imports refused owners Linux cannot hold.
        if (!isHacktreeError(err) || !['OBJECT_MISSING', 'OBJECT_CORRUPT', 'META_INVALID', 'OWNER_UNSUPPORTED'].includes(err.code)) throw err;
        const why = err.code === 'OWNER_UNSUPPORTED' ? 'it cannot be made' : 'its git blob cannot be read';
        problems.push({ kind: 'raw-missing', path, oid: rawIdOf(entry), detail: `${needed}; ${why}: ${err.message}` });
        continue;
      }
      if (damaged) damaged.repaired = 'deleted and rebuilt from its git blob';
      else problems.push({ kind: 'raw-missing', path, oid: rawIdOf(entry), detail: needed, repaired: entry.kind === 'file' ? 'rebuilt from its git blob' : 'rebuilt from the meta record' });
    }
  };
  return { checkSnapshot, problems };
}
