import type { FsEntry } from './fsEntry.js';
import { hashObject } from '../git/gitObject.js';
import { encodePathBytes } from './pathBytes.js';

/**
 * How a meta line disagrees with the git blob files/ gives its path: a file's size with the
 * blob's (`blobSize`, when known), a symlink's target with the blob's content (which must hash
 * to the blob's id). Null when they agree. Commits come from remotes too: neither half is
 * trusted to match the other unchecked.
 */
export function metaBlobMismatch(entry: Extract<FsEntry, { kind: 'file' | 'symlink' }>, blobSize?: number): string | null {
  if (entry.kind === 'file') {
    return blobSize === undefined || blobSize === entry.size ? null : `the meta record says ${entry.size} bytes, the blob has ${blobSize}`;
  }
  return hashObject('blob', encodePathBytes(entry.target)) === entry.oid ? null : `the meta record's target ${entry.target} is not the blob's content`;
}
