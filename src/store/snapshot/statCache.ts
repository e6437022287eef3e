import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseStatCacheRows, type StatCacheRows } from '../../model/snapshot/statCacheRows.js';
import { readDerivedFile } from '../repository/readDerivedFile.js';
import type { Repository } from '../repository/repository.js';
import type { ScannedEntry } from './scanDirectory.js';
import { writeDerivedFile } from '../repository/writeDerivedFile.js';

/**
 * Remembers, per source directory, the blob of each file by its stat facts (inode, size, mtime,
 * ctime), like `ostree commit -I` or git's index: an unchanged file is not read again. ctime
 * covers chmod, chown and xattr changes.
 */
export type StatCache = StatCacheRows;

function cachePath(repo: Repository, sourceDir: string): string {
  return join(repo.statCacheDir, createHash('sha1').update(resolve(sourceDir)).digest('hex'));
}

export function statKey(entry: ScannedEntry): string {
  return `${entry.identity}:${entry.kind === 'file' ? entry.size : 0}:${entry.stamp}`;
}

/**
 * The cache of a source directory; empty when there is none or it is damaged. A cache is
 * derived data: a damaged one costs one full read of the directory, after which the commit
 * writes it anew, so it is dropped silently rather than failing the commit.
 */
export function loadStatCache(repo: Repository, sourceDir: string): StatCache {
  const data = readDerivedFile(cachePath(repo, sourceDir));
  return (data === null ? null : parseStatCacheRows(data.toString('utf8'))) ?? new Map();
}

export function saveStatCache(repo: Repository, sourceDir: string, cache: StatCache): void {
  const rows = [...cache].map(([path, { key, oid }]) => [path, key, oid]);
  writeDerivedFile(repo, repo.statCacheDir, cachePath(repo, sourceDir), [Buffer.from(JSON.stringify(rows))]);
}

/** Whether two stat caches hold the same rows: an unchanged tree's is not written again (docs/decisions/0011-derived-caches.md). */
export function sameStatCache(a: StatCache, b: StatCache): boolean {
  if (a.size !== b.size) return false;
  for (const [path, { key, oid }] of b) {
    const row = a.get(path);
    if (row === undefined || row.key !== key || row.oid !== oid) return false;
  }
  return true;
}
