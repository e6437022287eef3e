import type { OverlayChanges } from '../../model/snapshot/applyOverlayChanges.js';
import type { RepoPath } from '../../model/snapshot/repoPath.js';
import { scanDirectory, type ScannedEntry } from '../../store/snapshot/scanDirectory.js';

/** overlayfs keeps its own bookkeeping (origin, opaque, redirect…) in these xattrs on the upper layer. */
const OVERLAY_XATTR_PREFIX = 'trusted.overlay.';

export interface OverlayUpper extends Omit<OverlayChanges, 'upper'> {
  /** The upper layer's entries with overlayfs's own xattrs taken off, whiteouts left out. */
  upper: ScannedEntry[];
}

/**
 * Reads an overlayfs upper directory (unmounted): whiteouts are 0:0 character devices (or, on
 * newer kernels, files marked trusted.overlay.whiteout), opaque directories carry
 * trusted.overlay.opaque=y; everything else is an entry the merged view shows as it is here.
 */
export function readOverlayUpper(upperDir: string): OverlayUpper {
  const upper: ScannedEntry[] = [];
  const whiteouts: RepoPath[] = [];
  const opaqueDirs: RepoPath[] = [];
  for (const entry of scanDirectory(upperDir)) {
    const own = entry.xattrs.filter((x) => x.name.startsWith(OVERLAY_XATTR_PREFIX));
    const flag = (name: string) => own.find((x) => x.name === OVERLAY_XATTR_PREFIX + name)?.value.toString('utf8');
    if ((entry.kind === 'chardev' && entry.major === 0 && entry.minor === 0) || flag('whiteout') !== undefined) {
      whiteouts.push(entry.path);
      continue;
    }
    if (entry.kind === 'dir' && flag('opaque') === 'y') opaqueDirs.push(entry.path);
    upper.push(own.length === 0 ? entry : { ...entry, xattrs: entry.xattrs.filter((x) => !own.includes(x)) });
  }
  return { upper, whiteouts, opaqueDirs };
}
