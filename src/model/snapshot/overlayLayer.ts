import { sameEntry, type FsEntry } from './fsEntry.js';
import { parentOf, TOP, type RepoPath } from './repoPath.js';

/**
 * What an overlayfs layer must hold so that, mounted above a checkout of `base`, the merged view
 * is exactly `target`: every entry that is new or differs (type, content, mode, owner, xattrs),
 * every directory above one of those with the target's metadata (the merged view takes a
 * directory's metadata from its topmost layer), and a whiteout for each removed path whose
 * directory stays. Paths beneath a removed or replaced directory need nothing: the whiteout or
 * the non-directory above them hides them, and a directory that replaces a non-directory is
 * not merged with it.
 */
export interface OverlayLayer {
  /** Parents first, in the target's order. */
  entries: FsEntry[];
  whiteouts: RepoPath[];
}

export function overlayLayerOf(base: readonly FsEntry[], target: readonly FsEntry[]): OverlayLayer {
  const baseByPath = new Map<string, FsEntry>(base.map((e) => [e.path, e]));
  const targetByPath = new Map<string, FsEntry>(target.map((e) => [e.path, e]));
  const included = new Set<string>();
  const include = (path: RepoPath) => {
    for (let p = path; !included.has(p); p = parentOf(p)) {
      included.add(p);
      if (p === TOP) break;
    }
  };
  include(TOP);
  for (const entry of target) {
    const before = baseByPath.get(entry.path);
    if (before === undefined || !sameEntry(before, entry)) include(entry.path);
  }
  const whiteouts: RepoPath[] = [];
  for (const entry of base) {
    if (entry.path === TOP || targetByPath.has(entry.path)) continue;
    const parent = parentOf(entry.path);
    if (targetByPath.get(parent)?.kind !== 'dir' || baseByPath.get(parent)?.kind !== 'dir') continue;
    whiteouts.push(entry.path);
    include(parent);
  }
  return { entries: target.filter((e) => included.has(e.path)), whiteouts };
}

/**
 * Why the tree of a meta record cannot be shown through overlayfs as it is, or null: overlayfs
 * takes a 0:0 character device for a whiteout and `trusted.overlay.*` attributes for its own.
 */
export function overlayBlocker(metaRecord: string): string | null {
  // Plain substring searches first: a record rarely has either, and they are far faster than the regexes
  // (docs/decisions/0010-per-entry-code.md).
  if (!metaRecord.includes('\t0,0\t') && !metaRecord.includes('trusted.overlay.')) return null;
  const whiteoutLike = /^([^\t\n]*)\tc\t\d+\t\d+\t\d+\t0,0\t/m.exec(metaRecord);
  if (whiteoutLike !== null) return `${whiteoutLike[1]} is a 0:0 character device`;
  const overlayXattr = /^([^\t\n]*)\t(?:[^\t\n]*\t){5}(?:[^\t\n]*;)?trusted\.overlay\./m.exec(metaRecord);
  if (overlayXattr !== null) return `${overlayXattr[1]} has a trusted.overlay attribute`;
  return null;
}
