import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { isOid, type Oid } from '../../model/git/oid.js';
import { looseObjectPath } from '../objects/objectStore.js';
import { readDerivedFile } from '../repository/readDerivedFile.js';
import type { Repository } from '../repository/repository.js';
import { writeDerivedFile } from '../repository/writeDerivedFile.js';

/**
 * Derived data beside the store: the files/ tree made for a snapshot, by a fingerprint of what
 * writeFilesTree reads (the meta record, and each path's blob id), so committing an unchanged
 * tree again does not hash its trees again (docs/decisions/0011-derived-caches.md).
 * A memo is used only while its tree is a loose object here; its file carries its own
 * fingerprint, so a torn or misplaced one is ignored. `hacktree prune` empties the memo.
 * Layout: statcache/trees/<fingerprint>, holding "<fingerprint> <tree>\n".
 */
export function filesTreeFingerprint(meta: string, entries: readonly FsEntry[]): string {
  const ids: string[] = [];
  for (const entry of entries) if (entry.kind === 'file' || entry.kind === 'symlink') ids.push(entry.path, entry.oid);
  return createHash('sha256').update(meta).update('\0').update(ids.join('\0')).digest('hex');
}

export function filesTreeMemoDir(repo: Repository): string {
  return join(repo.statCacheDir, 'trees');
}

export function readFilesTreeMemo(repo: Repository, fingerprint: string): Oid | null {
  const data = readDerivedFile(join(filesTreeMemoDir(repo), fingerprint));
  if (data === null) return null;
  const [own, tree] = data.toString('utf8').trimEnd().split(' ');
  if (own !== fingerprint || tree === undefined || !isOid(tree)) return null;
  return existsSync(looseObjectPath(repo, tree)) ? tree : null;
}

export function writeFilesTreeMemo(repo: Repository, fingerprint: string, tree: Oid): void {
  writeDerivedFile(repo, repo.statCacheDir, join(filesTreeMemoDir(repo), fingerprint), [Buffer.from(`${fingerprint} ${tree}\n`)]);
}
