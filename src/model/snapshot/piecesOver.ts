import type { FsEntry } from './fsEntry.js';
import { compareRepoPaths } from './repoPath.js';

/** Base entries `from` to `to` (inclusive), in a row and left alone; or an entry to serialize anew. */
export type OverPiece = { from: number; to: number } | { entry: FsEntry };

/**
 * How to serialize entries written over a base (both lists sorted by path): runs of the base's
 * own entries, which keep their serialization (what replaceComponents leaves alone stays the
 * very object the base holds), between the entries to serialize anew. So a record of a whole
 * root is made again in the time of its changed lines, copying the others in a few slices.
 */
export function piecesOver(base: readonly FsEntry[], entries: readonly FsEntry[]): OverPiece[] {
  const out: OverPiece[] = [];
  let run: { from: number; to: number } | null = null;
  let i = 0;
  for (const entry of entries) {
    while (i < base.length && base[i] !== entry && compareRepoPaths(base[i]!.path, entry.path) < 0) i++;
    if (i < base.length && base[i] === entry) {
      if (run !== null && run.to === i - 1) run.to = i;
      else out.push((run = { from: i, to: i }));
      i++;
    } else {
      out.push({ entry });
      run = null;
    }
  }
  return out;
}
