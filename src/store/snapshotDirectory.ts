import type { FsEntry } from '../model/fsEntry.js';
import type { Repository } from './repository.js';
import { scanDirectory } from './scanDirectory.js';
import { loadStatCache, saveStatCache } from './statCache.js';
import type { ProgressCallback } from './storeFilesInParallel.js';
import { storeScannedEntries } from './storeScannedEntries.js';

/**
 * Stores every file of a directory in the repository and returns its snapshot entries.
 * Files whose stat facts match the stat cache (and whose raw object exists) are not read again.
 */
export async function snapshotDirectory(repo: Repository, dir: string, onProgress?: ProgressCallback): Promise<FsEntry[]> {
  const scanned = scanDirectory(dir);
  onProgress?.('scanning', scanned.length, scanned.length);
  const { entries, statCache } = await storeScannedEntries(repo, scanned, { previous: loadStatCache(repo, dir), onProgress });
  saveStatCache(repo, dir, statCache);
  return entries;
}
