import type { Worker } from 'node:worker_threads';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import type { Repository } from '../repository/repository.js';
import { scanDirectory } from './scanDirectory.js';
import { loadStatCache, sameStatCache, saveStatCache } from './statCache.js';
import { INLINE_LIMIT_BYTES, startBlobWorkers, type ProgressCallback } from '../blobs/storeFilesInParallel.js';
import { storeScannedEntries } from './storeScannedEntries.js';

/**
 * Stores every file of a directory in the repository and returns its snapshot entries.
 * Files whose stat facts match the stat cache (and whose raw object exists) are not read again.
 */
export async function snapshotDirectory(repo: Repository, dir: string, onProgress?: ProgressCallback): Promise<FsEntry[]> {
  const previous = loadStatCache(repo, dir);
  // A directory met for the first time is read whole: once the scan has found enough bytes for
  // the blob workers, they start and boot while this thread scans on (docs/decisions/0008-commit-pipeline.md).
  let started: Worker[] = [];
  const startWorkersEarly = (fileBytes: number) => {
    if (started.length === 0 && fileBytes >= INLINE_LIMIT_BYTES) started = startBlobWorkers(repo);
  };
  try {
    const scanned = scanDirectory(dir, { onFileBytes: previous.size === 0 ? startWorkersEarly : undefined });
    onProgress?.('scanning', scanned.length, scanned.length);
    const { entries, statCache } = await storeScannedEntries(repo, scanned, { previous, onProgress, started });
    if (!sameStatCache(previous, statCache)) saveStatCache(repo, dir, statCache);
    return entries;
  } finally {
    await Promise.all(started.map((worker) => worker.terminate()));
  }
}
