import type { Oid } from '../git/oid.js';
import type { RepoPath } from './repoPath.js';

/** One extended attribute; values are raw bytes. */
export interface Xattr {
  name: string;
  value: Buffer;
}

/** What git cannot hold: kept for every entry in the meta record. */
export interface EntryMeta {
  /** Permission bits including setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  /** Sorted by name; empty when there are none. */
  xattrs: Xattr[];
}

export type FsEntry =
  | (EntryMeta & { kind: 'dir'; path: RepoPath })
  | (EntryMeta & { kind: 'file'; path: RepoPath; oid: Oid; size: number })
  | (EntryMeta & { kind: 'symlink'; path: RepoPath; oid: Oid; target: string })
  | (EntryMeta & { kind: 'chardev' | 'blockdev'; path: RepoPath; major: number; minor: number })
  | (EntryMeta & { kind: 'fifo'; path: RepoPath });

export type EntryKind = FsEntry['kind'];

export function sameXattrs(a: Xattr[], b: Xattr[]): boolean {
  return a.length === b.length && a.every((x, i) => x.name === b[i]!.name && x.value.equals(b[i]!.value));
}

/** Same type, content and metadata (the path aside). */
export function sameEntry(a: FsEntry, b: FsEntry): boolean {
  if (a.kind !== b.kind || a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid) return false;
  if (!sameXattrs(a.xattrs, b.xattrs)) return false;
  switch (a.kind) {
    case 'file':
    case 'symlink':
      return a.oid === (b as typeof a).oid;
    case 'chardev':
    case 'blockdev':
      return a.major === (b as typeof a).major && a.minor === (b as typeof a).minor;
    default:
      return true;
  }
}
