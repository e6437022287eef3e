import type { GitTreeEntry } from '../git/gitTree.js';
import type { FsEntry } from './fsEntry.js';
import { compareRepoPaths, type RepoPath } from './repoPath.js';

/** A path of files/ that is set to a blob or symlink (`entry`), or removed (null). */
export interface FilesTreeChange {
  path: RepoPath;
  entry: Pick<GitTreeEntry, 'mode' | 'oid'> | null;
}

/** What a file or symlink is in files/: the mode writeFilesTree gives it, and its blob. */
export function blobEntryOf(entry: FsEntry): Pick<GitTreeEntry, 'mode' | 'oid'> | null {
  if (entry.kind === 'file') return { mode: entry.mode & 0o100 ? '100755' : '100644', oid: entry.oid };
  if (entry.kind === 'symlink') return { mode: '120000', oid: entry.oid };
  return null;
}

/**
 * The files/ changes that turn the tree of `before` into the tree of `after` (both sorted by
 * path, as snapshots hold them): each path whose blob appears, goes, or has another id or git
 * mode. Directories are no change of their own: files/ holds one exactly where a blob is
 * beneath it. An entry that is the same object on both sides is passed over without a look, as
 * replaceComponents keeps the objects of what it leaves alone.
 */
export function filesTreeChanges(before: readonly FsEntry[], after: readonly FsEntry[]): FilesTreeChange[] {
  const out: FilesTreeChange[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const a = before[i];
    const b = after[j];
    if (a !== undefined && a === b) {
      i++;
      j++;
      continue;
    }
    const order = a === undefined ? 1 : b === undefined ? -1 : compareRepoPaths(a.path, b.path);
    const was = order <= 0 ? blobEntryOf(a!) : null;
    const is = order >= 0 ? blobEntryOf(b!) : null;
    if (order <= 0) i++;
    if (order >= 0) j++;
    if (was === null && is === null) continue;
    if (was !== null && is !== null && was.mode === is.mode && was.oid === is.oid) continue;
    out.push({ path: (order <= 0 ? a! : b!).path, entry: is });
  }
  return out;
}
