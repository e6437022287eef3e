import { isHacktreeError } from '../../errors/HacktreeError.js';
import { cacheIndexName } from '../../model/artifact/cacheIndex.js';
import { openCacheStore } from './cacheStore.js';

/**
 * The first artifact cache that has an index for build `id`, or null. Used by
 * `build --dry-run`: it downloads nothing, and an unreachable cache counts as one that does not
 * have the build (the real build warns about it).
 */
export async function probeArtifactCaches(caches: string[], id: string): Promise<string | null> {
  for (const cache of caches) {
    try {
      if ((await openCacheStore(cache).size(cacheIndexName(id))) !== null) return cache;
    } catch (err) {
      if (!isHacktreeError(err, 'CACHE_FAILED') && !isHacktreeError(err, 'AUTH_FAILED')) throw err;
    }
  }
  return null;
}
