import { existsSync } from 'node:fs';
import { HacktreeError } from '../../errors/HacktreeError.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { metaBlobMismatch } from '../../model/snapshot/metaBlobMismatch.js';
import { readObjectOfType } from '../objects/objectStore.js';
import { ensureRawObject, ensureRawSpecial, rawEntryPath, type RawEntry } from './rawCache.js';
import type { Repository } from '../repository/repository.js';

/**
 * Makes sure an entry's raw object exists (a file from its git blob, the rest from the meta
 * record) and returns its path. A meta record that disagrees with its git blob (a file's size,
 * a symlink's target: commits come from remotes too) is refused, never cached.
 */
export async function ensureRaw(repo: Repository, entry: RawEntry): Promise<string> {
  if (entry.kind !== 'file') {
    if (entry.kind === 'symlink') checkSymlinkTarget(entry);
    return ensureRawSpecial(repo, entry);
  }
  const raw = rawEntryPath(repo, entry);
  if (existsSync(raw)) return raw;
  return ensureRawObject(repo, entry.oid, entry, await readFileBlob(repo, entry));
}

/** A file entry's git blob, checked against the size its meta record gives. */
export async function readFileBlob(repo: Repository, entry: Extract<FsEntry, { kind: 'file' }>): Promise<Buffer> {
  const content = await readObjectOfType(repo, entry.oid, 'blob');
  const mismatch = metaBlobMismatch(entry, content.length);
  if (mismatch !== null) throw metaDisagrees(entry, mismatch);
  return content;
}

/** A symlink's target is its git blob's content: the meta record's copy must hash to the blob's id. */
export function checkSymlinkTarget(entry: Extract<FsEntry, { kind: 'symlink' }>): void {
  const mismatch = metaBlobMismatch(entry);
  if (mismatch !== null) throw metaDisagrees(entry, mismatch);
}

export function metaDisagrees(entry: Extract<FsEntry, { kind: 'file' | 'symlink' }>, why: string): HacktreeError {
  return new HacktreeError('META_INVALID', `/${entry.path} (blob ${entry.oid}): ${why}`, {
    hint: 'the commit is inconsistent (forged, or damaged where it was made): "hacktree fsck" lists such commits; commit or fetch the root again from a sound copy',
    data: { path: entry.path, oid: entry.oid },
  });
}
