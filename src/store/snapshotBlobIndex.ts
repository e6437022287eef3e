import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../errors/errnoOf.js';
import type { Oid } from '../model/oid.js';
import { writeFileAtomic } from './atomicWrite.js';
import type { Repository } from './repository.js';

/**
 * Derived data beside the store, like the raw cache: for a snapshot's top tree, the blob id of
 * each file and symlink in the meta record's order, so reading a snapshot takes two objects
 * (top tree, meta record) and this file instead of walking every tree of files/ (1.2k loose
 * trees, ~170 ms of a 0.67 s W1 checkout). A tree id never changes what it holds, so an index
 * is never stale; its sha256 trailer catches a damaged one, which is then ignored (and made
 * again). Binary: 20 bytes per id, then the 32-byte sha256 of them.
 */
export function snapshotBlobIndexPath(repo: Repository, tree: Oid): string {
  return join(repo.statCacheDir, 'snapshots', tree.slice(0, 2), tree.slice(2));
}

export function readSnapshotBlobIndex(repo: Repository, tree: Oid, count: number): Oid[] | null {
  let data: Buffer;
  try {
    data = readFileSync(snapshotBlobIndexPath(repo, tree));
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return null;
    throw err;
  }
  if (data.length !== count * 20 + 32) return null;
  const ids = data.subarray(0, count * 20);
  if (!createHash('sha256').update(ids).digest().equals(data.subarray(count * 20))) return null;
  const out = new Array<Oid>(count);
  for (let i = 0; i < count; i++) out[i] = ids.toString('hex', i * 20, i * 20 + 20) as Oid;
  return out;
}

/** Writes the index; a repository this process may not write to just goes without one. */
export function writeSnapshotBlobIndex(repo: Repository, tree: Oid, oids: readonly Oid[]): void {
  const ids = Buffer.from(oids.join(''), 'hex');
  const path = snapshotBlobIndexPath(repo, tree);
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileAtomic(repo, path, [ids, createHash('sha256').update(ids).digest()]);
  } catch (err) {
    if (!['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ENOENT'].includes(errnoOf(err) ?? '')) throw err;
  }
}
