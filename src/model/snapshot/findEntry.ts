import type { FsEntry } from './fsEntry.js';
import { compareRepoPaths, parentOf, TOP, type RepoPath } from './repoPath.js';

/** First index whose path is not before `path` in snapshot order. */
function lowerBound(entries: readonly FsEntry[], path: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareRepoPaths(entries[mid]!.path, path) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The entry at `path` in a sorted snapshot, or undefined. */
export function findEntry(entries: readonly FsEntry[], path: RepoPath): FsEntry | undefined {
  const found = entries[lowerBound(entries, path)];
  return found?.path === path ? found : undefined;
}

/**
 * Entries below directory `dir`: its direct children, or every descendant when `recursive`.
 * All paths starting with "dir/" sit next to each other in snapshot order, so one binary search
 * finds them (the top directory holds everything).
 */
export function entriesUnder(entries: readonly FsEntry[], dir: RepoPath, recursive: boolean): FsEntry[] {
  const below = dir === TOP
    ? entries.filter((e) => e.path !== TOP)
    : sliceWithPrefix(entries, `${dir}/`);
  return recursive ? below : below.filter((e) => parentOf(e.path) === dir);
}

function sliceWithPrefix(entries: readonly FsEntry[], prefix: string): FsEntry[] {
  const out: FsEntry[] = [];
  for (let i = lowerBound(entries, prefix); i < entries.length && entries[i]!.path.startsWith(prefix); i++) {
    out.push(entries[i]!);
  }
  return out;
}
