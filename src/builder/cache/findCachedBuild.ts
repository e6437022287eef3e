import { createHash } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import { parseArtifactName } from '../../model/artifact/artifactName.js';
import { cacheIdOfArtifact, cacheIndexName, parseCacheIndex, type CachedArtifact } from '../../model/artifact/cacheIndex.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import { openCacheStore, type CacheStore } from './cacheStore.js';
import { createNewFileStream } from '../../platform/fs/createNewFileStream.js';

export interface FindCachedBuildOptions {
  /** The build's cache id: the `id=` key of its artifacts' names. */
  id: string;
  artifactsDir: string;
  /** Caches to try in order: HTTP(S) base URLs or directories. */
  caches: readonly string[];
  /**
   * Told why a cache could not serve the build, as one line ("error[CODE]: message") and as the
   * error: CACHE_FAILED (unreachable, an HTTP error, a bad index), AUTH_FAILED, and
   * CHECKSUM_MISMATCH (only when no cache had a good copy).
   */
  onWarning?: (warning: string, error: HacktreeError) => void;
  env?: NodeJS.ProcessEnv;
}

/** Prefix of downloads in progress in the artifacts directory: never taken for artifacts. */
export const DOWNLOAD_PREFIX = '.hacktree-download-';

/**
 * Looks for a build's two artifacts: first in `artifactsDir` (file names with `id=ID`, both
 * kinds), then in each cache in order, downloading them into `artifactsDir` through temporary
 * files that are renamed into place only after every one matched the index's sha256 and size.
 * Returns the artifacts' paths, or null when no cache has the build: a cache that fails is a
 * warning, never an error, since the caller can build instead.
 */
export async function findCachedBuild(options: FindCachedBuildOptions): Promise<string[] | null> {
  const local = findLocalBuild(options.artifactsDir, options.id);
  if (local !== null) return local;
  const networkWarnings: HacktreeError[] = [];
  const checksumWarnings: HacktreeError[] = [];
  for (const location of options.caches) {
    const cache = openCacheStore(location, options.env);
    try {
      const found = await downloadBuild(cache, options.id, options.artifactsDir);
      if (found !== null) {
        networkWarnings.forEach((w) => warn(options, w));
        return found;
      }
    } catch (err) {
      if (isHacktreeError(err, 'CHECKSUM_MISMATCH')) checksumWarnings.push(err);
      else if (isHacktreeError(err, 'CACHE_FAILED') || isHacktreeError(err, 'AUTH_FAILED')) networkWarnings.push(err);
      else throw err;
    }
  }
  [...networkWarnings, ...checksumWarnings].forEach((w) => warn(options, w));
  return null;
}

function warn(options: FindCachedBuildOptions, error: HacktreeError): void {
  options.onWarning?.(`error[${error.code}]: ${error.message}`, error);
}

/** The build's artifacts already in `dir` (one runtime and one devel with `id=ID`), or null. */
export function findLocalBuild(dir: string, id: string): string[] | null {
  const byKind = new Map<string, string>();
  for (const name of listDirectory(dir).sort()) {
    if (cacheIdOfArtifact(name) !== id) continue;
    const kind = parseArtifactName(name).kind;
    if (!byKind.has(kind)) byKind.set(kind, join(dir, name));
  }
  return byKind.size === 2 ? [...byKind.values()].sort() : null;
}

async function downloadBuild(cache: CacheStore, id: string, artifactsDir: string): Promise<string[] | null> {
  const indexName = cacheIndexName(id);
  const indexStream = await cache.read(indexName);
  if (indexStream === null) return null;
  let text = '';
  for await (const chunk of indexStream) {
    text += String(chunk);
    if (text.length > 1 << 20) throw new HacktreeError('CACHE_FAILED', `cache index ${cache.locationOf(indexName)} is over 1 MiB`, { data: { location: cache.locationOf(indexName) } });
  }
  const index = parseCacheIndex(text, id, cache.locationOf(indexName));
  await mkdir(artifactsDir, { recursive: true });
  const staged: Array<{ tmp: string; path: string }> = [];
  try {
    for (const artifact of index.artifacts) {
      const tmp = join(artifactsDir, `${DOWNLOAD_PREFIX}${process.pid}-${staged.length}-${artifact.file}`);
      staged.push({ tmp, path: join(artifactsDir, artifact.file) });
      await downloadVerified(cache, artifact, tmp);
    }
    for (const { tmp, path } of staged) await rename(tmp, path);
    return staged.map((s) => s.path).sort();
  } finally {
    await Promise.all(staged.map(({ tmp }) => rm(tmp, { force: true })));
  }
}

/** Downloads one artifact to `tmp`, hashing as it arrives; CHECKSUM_MISMATCH unless it is exactly what the index says. */
async function downloadVerified(cache: CacheStore, artifact: CachedArtifact, tmp: string): Promise<void> {
  const where = cache.locationOf(artifact.file);
  const source = await cache.read(artifact.file);
  if (source === null) {
    throw new HacktreeError('CACHE_FAILED', `${where} is missing, though the cache's index lists it`, {
      hint: 'push the build to the cache again ("hacktree cache push"); hacktree builds it meanwhile',
      data: { location: where },
    });
  }
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      hash.update(chunk);
      done(size > artifact.size ? mismatch(where, artifact, `more than the ${artifact.size} bytes the index gives`) : null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createNewFileStream(tmp, { source }));
  } catch (err) {
    if (isHacktreeError(err)) throw err;
    throw new HacktreeError('CACHE_FAILED', `downloading ${where} failed: ${(err as Error).message}`, {
      hint: 'check that the cache is reachable; a build falls back to building',
      data: { location: where },
      cause: err,
    });
  }
  const actual = hash.digest('hex');
  if (size !== artifact.size) throw mismatch(where, artifact, `${size} bytes, the index gives ${artifact.size}`);
  if (actual !== artifact.sha256) throw mismatch(where, artifact, `sha256 ${actual}, the index gives ${artifact.sha256}`);
}

function mismatch(where: string, artifact: CachedArtifact, why: string): HacktreeError {
  return new HacktreeError('CHECKSUM_MISMATCH', `${where} does not match the cache's index: ${why}`, {
    hint: 'the cache holds a damaged or substituted file: push the build again from a good copy; it was not kept',
    data: { location: where, file: artifact.file, expected: artifact.sha256 },
  });
}
