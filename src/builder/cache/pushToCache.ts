import { statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { parseArtifactName } from '../../model/artifact/artifactName.js';
import { cacheIdOfArtifact, cacheIndexName, formatCacheIndex, type CachedArtifact } from '../../model/artifact/cacheIndex.js';
import { sha256OfFile } from '../../store/artifacts/importArtifact.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import { openCacheStore, type CacheStore } from './cacheStore.js';
import { findLocalBuild } from './findCachedBuild.js';

export interface PushToCacheOptions {
  /** An HTTP(S) base URL (PUT) or a directory. */
  cache: string;
  /** Artifact files to push; a build's other artifact beside one is pushed with it. Default: every artifact in `artifactsDir` that has an `id=`. */
  files?: readonly string[];
  artifactsDir: string;
  env?: NodeJS.ProcessEnv;
}

export interface PushedBuild {
  id: string;
  artifacts: Array<CachedArtifact & { pushed: boolean }>;
  /** Whether the index was written (false: the cache had this very index already). */
  indexPushed: boolean;
}

export interface PushReport {
  cache: string;
  builds: PushedBuild[];
}

/**
 * `hacktree cache push`: writes each build's artifacts and then its index `by-id/ID.json`, so a
 * reader never sees an index whose files are not there yet. What the cache already has (same
 * name and size, or the same index) is skipped.
 */
export async function pushToCache(options: PushToCacheOptions): Promise<PushReport> {
  const cache = openCacheStore(options.cache, options.env);
  const builds = selectBuilds(options);
  const report: PushReport = { cache: cache.where, builds: [] };
  for (const [id, paths] of builds) report.builds.push(await pushBuild(cache, id, paths));
  return report;
}

/** The builds to push, by id, each with its runtime and devel artifact. */
function selectBuilds(options: PushToCacheOptions): Map<string, string[]> {
  const dir = resolve(options.artifactsDir);
  const named = options.files ?? listDirectory(dir).filter((n) => cacheIdOfArtifact(n) !== null).sort().map((n) => join(dir, n));
  const builds = new Map<string, string[]>();
  for (const file of named) {
    const name = basename(file);
    parseArtifactName(name);
    const id = cacheIdOfArtifact(name);
    if (id === null) {
      throw new HacktreeError('ARTIFACT_NAME_INVALID', `artifact ${name} has no id= key: only artifacts "hacktree build" made carry their build id`, {
        hint: 'push artifacts built by "hacktree build" (their names carry id=…)',
        data: { artifactName: name },
      });
    }
    if (builds.has(id)) continue;
    const both = findLocalBuild(dirname(resolve(file)), id);
    if (both === null) {
      throw new HacktreeError('ARTIFACT_NOT_FOUND', `build ${id} has only ${name} in ${dirname(resolve(file))}: a cache holds both artifacts of a build`, {
        hint: 'push from the artifacts directory the build wrote both its -runtime and -devel artifacts to',
        data: { id, file },
      });
    }
    builds.set(id, both);
  }
  return builds;
}

async function pushBuild(cache: CacheStore, id: string, paths: string[]): Promise<PushedBuild> {
  const artifacts: PushedBuild['artifacts'] = [];
  for (const path of paths) {
    const file = basename(path);
    const size = sizeOf(path);
    const sha256 = await sha256OfFile(path);
    const pushed = (await cache.size(file)) !== size;
    if (pushed) await cache.write(file, { file: path, size });
    artifacts.push({ file, sha256, size, pushed });
  }
  const index = Buffer.from(formatCacheIndex({ id, artifacts: artifacts.map(({ file, sha256, size }) => ({ file, sha256, size })) }));
  const indexPushed = !(await sameContent(cache, cacheIndexName(id), index));
  if (indexPushed) await cache.write(cacheIndexName(id), index);
  return { id, artifacts, indexPushed };
}

async function sameContent(cache: CacheStore, name: string, expected: Buffer): Promise<boolean> {
  if ((await cache.size(name)) !== expected.length) return false;
  const stream = await cache.read(name);
  if (stream === null) return false;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).equals(expected);
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
    throw new HacktreeError('ARTIFACT_NOT_FOUND', `artifact ${path} does not exist`, { hint: 'name artifact files that exist', data: { file: path } });
  }
}
