import { closeSync, copyFileSync, linkSync, openSync } from 'node:fs';
import { errnoOf } from '../errors/errnoOf.js';
import type { EntryMeta } from '../model/fsEntry.js';
import { applyMetaToFd } from './rawCache.js';

/**
 * hacktree's hardlink policy, in one place (as ostree keeps it): hardlink from the raw cache;
 * copy when linking is impossible (EXDEV: another filesystem; EMLINK: too many links; EPERM:
 * protected_hardlinks or a filesystem without links) or when a private copy is asked for.
 */
export type PlaceResult = 'linked' | 'copied';

export function placeFile(rawPath: string, dest: string, meta: EntryMeta, copy: boolean): PlaceResult {
  if (!copy) {
    try {
      linkSync(rawPath, dest);
      return 'linked';
    } catch (err) {
      const errno = errnoOf(err);
      if (errno !== 'EXDEV' && errno !== 'EMLINK' && errno !== 'EPERM') throw err;
    }
  }
  copyFileSync(rawPath, dest);
  const fd = openSync(dest, 'r');
  try {
    applyMetaToFd(dest, fd, meta);
  } finally {
    closeSync(fd);
  }
  return 'copied';
}
