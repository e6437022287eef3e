import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import { quotePath } from '../../model/snapshot/pathBytes.js';

/**
 * The error for a setxattr(2) the filesystem refused (`err`) while hacktree wrote `path`: the
 * model's checks (xattrProblem) passed, but this filesystem cannot hold the attribute (too big
 * for its inodes, a namespace it does not support, an ACL it cannot parse).
 */
export function xattrRefused(err: unknown, path: string, names: readonly string[]): HacktreeError {
  // "ENOSPC: No space left on device, setxattr '/path'": the path is said once, below.
  const why = (err instanceof Error ? err.message : String(err)).replace(/, \w+ '.*'$/s, '');
  const which = names.length === 1 ? `the xattr ${JSON.stringify(names[0])}` : `one of the xattrs ${names.map((n) => JSON.stringify(n)).join(', ')}`;
  return new HacktreeError('XATTR_INVALID', `the filesystem refuses ${which} on ${quotePath(path)}: ${why}`, {
    hint: 'that filesystem cannot hold the attribute: leave it out of the tree, or keep the repository and checkouts on a filesystem that can (ext4 holds values up to about 4 KiB, xfs and btrfs 64 KiB)',
    data: { path, names },
    cause: err,
  });
}

/** Runs a store step for one input entry, naming the entry (`where`) in an XATTR_INVALID it throws. */
export function namingXattrSource<T>(where: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (!isHacktreeError(err, 'XATTR_INVALID')) throw err;
    throw new HacktreeError('XATTR_INVALID', `${where}: ${err.message}`, { hint: err.hint, data: { ...err.data, source: where }, cause: err });
  }
}
