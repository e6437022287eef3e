import type { FsEntry } from './fsEntry.js';
import { compareRepoPaths } from './repoPath.js';

/**
 * Each entry's serialization, for entries written over a base (both lists sorted by path):
 * the base's own piece where the entry is the very object the base holds at that place (what
 * replaceComponents leaves alone stays the same object), else `format(entry)`. So a record of a
 * whole root is made again in the time of its changed lines, not of all of them. `basePieces`
 * must be the base entries' serializations, one each, in order: the caller checks the count.
 */
export function serializeOver(
  base: readonly FsEntry[],
  basePieces: readonly string[],
  entries: readonly FsEntry[],
  format: (entry: FsEntry) => string,
): string[] {
  const out: string[] = new Array(entries.length);
  let i = 0;
  for (let j = 0; j < entries.length; j++) {
    const entry = entries[j]!;
    while (i < base.length && base[i] !== entry && compareRepoPaths(base[i]!.path, entry.path) < 0) i++;
    out[j] = i < base.length && base[i] === entry ? basePieces[i]! : format(entry);
  }
  return out;
}
