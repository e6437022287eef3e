import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The first artifact cache (a directory or an http(s) base URL) that has an index for build
 * `id` (BASE/by-id/ID.json), or null. Used by `build --dry-run`: it downloads nothing, and an
 * unreachable cache is just one that does not have it.
 */
export async function probeArtifactCaches(caches: string[], id: string): Promise<string | null> {
  for (const cache of caches) {
    if (/^https?:\/\//.test(cache)) {
      try {
        const response = await fetch(`${cache.replace(/\/+$/, '')}/by-id/${id}.json`, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
        if (response.ok) return cache;
      } catch (err) {
        // fetch() fails with a TypeError when the server cannot be reached, a TimeoutError when
        // it does not answer: as if it did not have the build (the real build reports it).
        if (!(err instanceof TypeError) && (err as Error).name !== 'TimeoutError') throw err;
      }
    } else if (existsSync(join(cache, 'by-id', `${id}.json`))) {
      return cache;
    }
  }
  return null;
}
