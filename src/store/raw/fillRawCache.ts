import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { entryExists } from '../../platform/fs/entryExists.js';
import { ensureRaw } from './ensureRaw.js';
import { rawEntryPath } from './rawCache.js';
import type { Repository } from '../repository/repository.js';
import type { ProgressCallback } from '../blobs/storeFilesInParallel.js';

/** Blob reads kept in flight: git cat-file inflates the next objects while node writes one. */
const IN_FLIGHT = 32;

/**
 * Puts every non-directory entry of a snapshot that the raw cache lacks into it, from its git
 * blob (each read re-hashed against its id, so this also proves every blob is here and intact).
 * After a pull the blobs are packed: they stream from one `git cat-file --batch`, pipelined.
 * Returns how many raw entries were made.
 */
export async function fillRawCache(repo: Repository, entries: readonly FsEntry[], onProgress?: ProgressCallback): Promise<number> {
  const missing = new Map<string, Exclude<FsEntry, { kind: 'dir' }>>();
  for (const entry of entries) {
    if (entry.kind === 'dir') continue;
    const path = rawEntryPath(repo, entry);
    if (!missing.has(path) && !entryExists(path)) missing.set(path, entry);
  }
  const queue = [...missing.values()];
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let entry = queue.pop(); entry !== undefined; entry = queue.pop()) {
      await ensureRaw(repo, entry);
      if (++done % 256 === 0) onProgress?.('filling the raw cache', done, missing.size);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, queue.length) }, worker));
  onProgress?.('filling the raw cache', missing.size, missing.size);
  return missing.size;
}
