import { resolve } from 'node:path';
import { configFile, readConfigValue } from '../../platform/config/readConfigValue.js';

export const DEFAULT_SOURCE_CACHE = '/var/cache/hacktree/sources';

/**
 * Where downloaded sources are kept (shared by every workspace on the machine: they are keyed by
 * sha256): HACKTREE_SOURCE_CACHE, else `sources = DIR` in the config file, else
 * /var/cache/hacktree/sources.
 */
export function resolveSourceCache(option?: string): string {
  return resolve(nonEmpty(option) ?? nonEmpty(process.env.HACKTREE_SOURCE_CACHE) ?? readConfigValue(configFile(), 'sources') ?? DEFAULT_SOURCE_CACHE);
}

/**
 * The artifact caches a build looks in, in order: every `--cache URL`, then HACKTREE_CACHE
 * (space-separated), then `cache = URL ...` in the config file.
 */
export function resolveArtifactCaches(options: string[] = []): string[] {
  const words = (text: string | null | undefined): string[] => (text ?? '').split(/\s+/).filter((w) => w !== '');
  return [...new Set([...options, ...words(process.env.HACKTREE_CACHE), ...words(readConfigValue(configFile(), 'cache'))])];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
