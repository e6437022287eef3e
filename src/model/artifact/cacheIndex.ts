import type { JSONSchemaType } from 'ajv';
import { createHash } from 'node:crypto';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { recordParser } from '../record/recordParser.js';
import { cacheIndex as validateCacheIndex } from '../record/recordValidators.js';
import { parseArtifactName, type ArtifactKind } from './artifactName.js';

/**
 * What an artifact cache holds per build: `BASE/by-id/<id>.json` lists the build's artifacts
 * (both kinds, one index), each stored as `BASE/<file name>`. The id is the key `id=` of the
 * artifacts' file names: the first 32 hex digits of the sha256 of the build id.
 */
export interface CacheIndex {
  id: string;
  artifacts: CachedArtifact[];
}

export interface CachedArtifact {
  file: string;
  sha256: string;
  size: number;
}

const CACHE_ID = /^[0-9a-f]{32}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** The `id=` key of a build's artifacts. */
export function cacheIdOfBuild(buildId: string): string {
  return createHash('sha256').update(buildId).digest('hex').slice(0, 32);
}

export function isCacheId(text: string): boolean {
  return CACHE_ID.test(text);
}

/** Where a build's index lives, relative to the cache's base. */
export function cacheIndexName(id: string): string {
  return `by-id/${id}.json`;
}

/** The artifact's `id=` key, or null when its name has none (or is not an artifact name). */
export function cacheIdOfArtifact(fileName: string): string | null {
  try {
    const id = parseArtifactName(fileName).keys.id;
    return id !== undefined && isCacheId(id) ? id : null;
  } catch {
    return null;
  }
}

export function formatCacheIndex(index: CacheIndex): string {
  const artifacts = [...index.artifacts].sort((a, b) => (a.file < b.file ? -1 : 1));
  return `${JSON.stringify({ id: index.id, artifacts }, null, 2)}\n`;
}

/**
 * The JSON Schema of CacheIndex: recordValidators.ts holds it compiled (npm run --silent
 * schemas). It checks the shape; parseCacheIndex what a schema cannot say (the names, one of
 * each kind). Other keys are let through, as they always were: a later hacktree may fill a cache.
 */
export const cacheIndexJsonSchema: JSONSchemaType<CacheIndex> = {
  type: 'object',
  required: ['id', 'artifacts'],
  properties: {
    id: { type: 'string', pattern: CACHE_ID.source },
    artifacts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['file', 'sha256', 'size'],
        properties: { file: { type: 'string' }, sha256: { type: 'string', pattern: SHA256.source }, size: { type: 'integer', minimum: 0 } },
      },
    },
  },
};

const cacheIndexParser = recordParser<CacheIndex>(validateCacheIndex);

/**
 * Parses an index read from a cache (untrusted): every file must be an artifact name carrying
 * `id=ID` (so no name can leave the artifacts directory), with a sha256 and a size, and the
 * index must hold exactly one artifact of each kind.
 */
export function parseCacheIndex(text: string, id: string, where: string): CacheIndex {
  const parsed = cacheIndexParser.parse(text);
  if (!parsed.ok) throw invalid(where, parsed.why);
  const index = parsed.value;
  if (index.id !== id) throw invalid(where, `its "id" is not ${id}`);
  const kinds = new Map<ArtifactKind, string>();
  for (const a of index.artifacts) {
    if (cacheIdOfArtifact(a.file) !== id) throw invalid(where, `${JSON.stringify(a.file)} is not an artifact name with id=${id}`);
    if (!Number.isSafeInteger(a.size)) throw invalid(where, `${a.file} has no valid "size"`);
    const kind = parseArtifactName(a.file).kind;
    if (kinds.has(kind)) throw invalid(where, `it lists two ${kind} artifacts (${kinds.get(kind)} and ${a.file})`);
    kinds.set(kind, a.file);
  }
  if (kinds.size !== 2) throw invalid(where, 'it does not list both a runtime and a devel artifact');
  return { id, artifacts: index.artifacts.map(({ file, sha256, size }) => ({ file, sha256, size })) };
}

function invalid(where: string, why: string): HacktreeError {
  return new HacktreeError('CACHE_FAILED', `cache index ${where} is not valid: ${why}`, {
    hint: 'push the build to the cache again ("hacktree cache push"); hacktree builds it meanwhile',
    data: { index: where, reason: why },
  });
}
