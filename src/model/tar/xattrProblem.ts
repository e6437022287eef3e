import type { EntryKind, Xattr } from '../snapshot/fsEntry.js';

/** Linux's limits on one xattr (XATTR_NAME_MAX, XATTR_SIZE_MAX). */
export const XATTR_NAME_MAX = 255;
export const XATTR_SIZE_MAX = 65536;
/** The most xattrs hacktree sets on one entry (the native addon's MAX_XATTRS). */
export const MAX_XATTRS_PER_ENTRY = 64;

const NAMESPACES = ['user', 'trusted', 'security', 'system'];
/** The system.* names the kernel itself knows, on every filesystem with ACLs. */
const SYSTEM_NAMES = new Set(['system.posix_acl_access', 'system.posix_acl_default']);
/** VFS_CAP_REVISION_2 and _3 (linux/capability.h), with the size each has. */
const CAPABILITY_SIZE_OF_REVISION = new Map([[0x02000000, 20], [0x03000000, 24]]);
const VFS_CAP_FLAGS_EFFECTIVE = 0x000001;

/**
 * Why Linux would refuse to set `xattr` on an entry of `kind` whatever the filesystem, or null
 * when it would not: setxattr(2) fails on an empty or over-long name, a namespace it does not
 * know, a value over 64 KiB, user.* on anything but a regular file or directory (EPERM), and a
 * security.capability that is not a v2 or v3 vfs_cap_data (EINVAL). Imports check these
 * first, so the error names the member rather than a raw cache file.
 */
export function xattrProblem(kind: EntryKind, xattr: Xattr): string | null {
  const { name, value } = xattr;
  if (name === '') return 'an xattr with an empty name';
  const label = `xattr ${JSON.stringify(name)}`;
  if (name.includes('\0')) return `${label} has a NUL byte in its name`;
  if (Buffer.byteLength(name) > XATTR_NAME_MAX) return `${label} has a name of ${Buffer.byteLength(name)} bytes; Linux takes at most ${XATTR_NAME_MAX}`;
  const dot = name.indexOf('.');
  const namespace = dot < 0 ? name : name.slice(0, dot);
  if (!NAMESPACES.includes(namespace)) {
    return `${label} is in no namespace Linux knows (user., trusted., security. or system.)`;
  }
  if (dot < 0 || dot === name.length - 1) return `${label} has nothing after its namespace`;
  if (value.length > XATTR_SIZE_MAX) return `${label} has a value of ${value.length} bytes; Linux takes at most ${XATTR_SIZE_MAX}`;
  if (namespace === 'user' && kind !== 'file' && kind !== 'dir') {
    return `${label} is on a ${kind}; Linux allows user.* xattrs only on regular files and directories`;
  }
  if (namespace === 'system' && !SYSTEM_NAMES.has(name)) return `${label} is no system.* attribute Linux knows (only POSIX ACLs)`;
  if (name === 'system.posix_acl_default' && kind !== 'dir') return `${label} (a default ACL) is on a ${kind}; only directories have one`;
  if (name === 'security.capability') {
    const revision = value.length >= 4 ? value.readUInt32LE(0) & ~VFS_CAP_FLAGS_EFFECTIVE : -1;
    const size = CAPABILITY_SIZE_OF_REVISION.get(revision);
    if (size === undefined || size !== value.length) {
      return `${label} is not a valid capability set (a v2 one has 20 bytes, a v3 one 24, each starting with its revision; this one has ${value.length} bytes)`;
    }
  }
  return null;
}
