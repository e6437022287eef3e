import { HacktreeError } from '../../errors/HacktreeError.js';
import type { EntryMeta } from '../snapshot/fsEntry.js';
import type { MetaLine } from '../snapshot/metaRecord.js';
import { quotePath } from '../snapshot/pathBytes.js';
import { MAX_XATTRS_PER_ENTRY, xattrProblem } from './xattrProblem.js';

/**
 * The highest uid or gid Linux stores: ids are 32 bits and (uid_t)-1 means "leave unchanged" to
 * chown(2), so 4294967295 and up cannot be an owner (chown would wrap or ignore them).
 */
export const MAX_OWNER_ID = 0xfffffffe;

/** Why Linux cannot give an entry this owner ("uid 4294967296 is more than…"), or null. */
export function ownerProblem(meta: Pick<EntryMeta, 'uid' | 'gid'>): string | null {
  // Two comparisons, no allocation: the raw cache asks this for every file it writes.
  if (meta.uid > MAX_OWNER_ID) return `uid ${meta.uid} is more than Linux can hold (at most ${MAX_OWNER_ID})`;
  if (meta.gid > MAX_OWNER_ID) return `gid ${meta.gid} is more than Linux can hold (at most ${MAX_OWNER_ID})`;
  return null;
}

/**
 * An entry read from an archive, made what Linux can hold: a symlink's mode is always 0777 on
 * Linux (lchmod does not exist; tar writers such as Python's tarfile store 0644), so 0777 is
 * recorded and the raw cache agrees with its name. What Linux cannot hold is refused, naming
 * the member (`where`): an owner beyond MAX_OWNER_ID (OWNER_UNSUPPORTED) and an xattr that
 * setxattr(2) refuses (XATTR_INVALID).
 */
export function checkMemberMeta<T extends MetaLine>(entry: T, where: string): T {
  const owner = ownerProblem(entry);
  if (owner !== null) {
    throw new HacktreeError('OWNER_UNSUPPORTED', `${where} ${quotePath(entry.path)}: ${owner}`, {
      hint: 'recreate the archive with owners below 4294967295 (GNU tar: --owner=NAME:ID --group=NAME:ID)',
      data: { path: entry.path, uid: entry.uid, gid: entry.gid },
    });
  }
  if (entry.xattrs.length > MAX_XATTRS_PER_ENTRY) {
    throw xattrInvalid(entry, where, `${entry.xattrs.length} xattrs; hacktree sets at most ${MAX_XATTRS_PER_ENTRY} on one entry`);
  }
  for (const xattr of entry.xattrs) {
    const problem = xattrProblem(entry.kind, xattr);
    if (problem !== null) throw xattrInvalid(entry, where, problem);
  }
  return entry.kind === 'symlink' && entry.mode !== 0o777 ? { ...entry, mode: 0o777 } : entry;
}

function xattrInvalid(entry: MetaLine, where: string, why: string): HacktreeError {
  return new HacktreeError('XATTR_INVALID', `${where} ${quotePath(entry.path)}: ${why}`, {
    hint: 'Linux cannot set that attribute: recreate the archive without it (GNU tar: --xattrs-exclude=PATTERN)',
    data: { path: entry.path },
  });
}
