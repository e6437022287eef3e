import type { FsEntry } from './fsEntry.js';
import { compareRepoPaths, parentOf, TOP, type RepoPath } from './repoPath.js';

/** What an overlayfs upper layer says about its lower layer, read as snapshot terms. */
export interface OverlayChanges {
  /** Every entry of the upper layer (added, changed, or copied up unchanged), "." included. */
  upper: readonly FsEntry[];
  /** Whiteouts: the lower entry at each path, and everything beneath it, is gone. */
  whiteouts: readonly RepoPath[];
  /** Opaque directories: nothing of the lower directory's contents shows through. */
  opaqueDirs: readonly RepoPath[];
}

/**
 * The snapshot the merged overlay shows: `lower` with the upper layer applied. An upper entry
 * replaces the lower one at its path; a non-directory or opaque directory there hides the lower
 * entries beneath it; a whiteout removes a path and its subtree.
 */
export function applyOverlayChanges(lower: readonly FsEntry[], changes: OverlayChanges): FsEntry[] {
  const upperByPath = new Map<string, FsEntry>(changes.upper.map((e) => [e.path, e]));
  const removedTrees = new Set<string>(changes.whiteouts);
  const hiddenBelow = new Set<string>(changes.opaqueDirs);
  for (const entry of changes.upper) if (entry.kind !== 'dir') hiddenBelow.add(entry.path);

  const hidden = (path: RepoPath): boolean => {
    if (removedTrees.has(path)) return true;
    for (let dir = path; dir !== TOP; ) {
      dir = parentOf(dir);
      if (removedTrees.has(dir) || hiddenBelow.has(dir)) return true;
    }
    return false;
  };
  const out: FsEntry[] = [];
  for (const entry of lower) {
    if (upperByPath.has(entry.path) || hidden(entry.path)) continue;
    out.push(entry);
  }
  for (const entry of changes.upper) if (!removedTrees.has(entry.path)) out.push(entry);
  return out.sort((a, b) => compareRepoPaths(a.path, b.path));
}
