import { lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { Xattr } from '../model/fsEntry.js';
import { nativeAddon } from './nativeAddon.js';
import { readXattrs } from './readXattrs.js';

/** An entry of a directory with its lstat facts (bigints as lstatSync's bigint form gives), xattrs and symlink target. */
export interface DirectoryEntry {
  name: string;
  /** st_mode: type and permission bits. */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  nlink: number;
  rdev: bigint;
  dev: bigint;
  ino: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** Sorted by name. */
  xattrs: Xattr[];
  /** A symlink's target. */
  target?: string;
}

type NativeRow = [string, number, number, number, number, number, bigint, bigint, bigint, bigint, bigint, Array<[string, Buffer]> | null, string | null];

/**
 * Every entry of a directory but . and .., in directory order, without following symlinks.
 * The native addon reads a directory in one call (W1's scan: see native/readDirectory.c);
 * without it, node:fs and @napi-rs/xattr give the same.
 */
export function readDirectoryEntries(dir: string): DirectoryEntry[] {
  const native = nativeAddon();
  if (!native) return readdirSync(dir).map((name) => lstatEntry(join(dir, name), name));
  return (native.readDirectory(dir) as NativeRow[]).map(([name, mode, uid, gid, size, nlink, rdev, dev, ino, mtimeNs, ctimeNs, xattrs, target]) => ({
    name,
    mode,
    uid,
    gid,
    size,
    nlink,
    rdev,
    dev,
    ino,
    mtimeNs,
    ctimeNs,
    xattrs: xattrs === null ? [] : xattrs.map(([n, value]) => ({ name: n, value })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    ...(target === null ? {} : { target }),
  }));
}

/** One path's entry, as readDirectoryEntries gives it (node:fs). */
export function lstatEntry(absPath: string, name: string): DirectoryEntry {
  const st: BigIntStats = lstatSync(absPath, { bigint: true });
  return {
    name,
    mode: Number(st.mode),
    uid: Number(st.uid),
    gid: Number(st.gid),
    size: Number(st.size),
    nlink: Number(st.nlink),
    rdev: st.rdev,
    dev: st.dev,
    ino: st.ino,
    mtimeNs: st.mtimeNs,
    ctimeNs: st.ctimeNs,
    xattrs: readXattrs(absPath),
    ...(st.isSymbolicLink() ? { target: readlinkSync(absPath) } : {}),
  };
}
