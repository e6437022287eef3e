import { constants, lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { Xattr } from '../../model/snapshot/fsEntry.js';
import { decodePathBytes, fsPath } from '../../model/snapshot/pathBytes.js';
import { nativeAddon } from '../native/nativeAddon.js';
import { readXattrs } from './readXattrs.js';

const { S_IFMT, S_IFLNK } = constants;

/** An entry of a directory with its lstat facts, xattrs and symlink target. */
export interface DirectoryEntry {
  /** The name's bytes as pathBytes holds them (so is the target). */
  name: string;
  /** st_mode: type and permission bits. */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  nlink: number;
  /** st_rdev (a device's numbers, see splitRdev). */
  rdev: number;
  /** "dev:ino", in decimal: which inode, for hardlinks and the stat cache. */
  identity: string;
  /** "mtimeNs:ctimeNs", in decimal: when the content or inode last changed, for the stat cache. */
  stamp: string;
  /** Sorted by name. */
  xattrs: Xattr[];
  /** A symlink's target. */
  target?: string;
}

/**
 * native/readDirectory.c's flat result: names and targets as joined bytes (decoded here, see
 * pathBytes), ids and stamps as joined strings, a number table, the xattrs of those with any.
 */
type NativeListing = [names: Buffer, numbers: Float64Array, ids: string, stamps: string, targets: Buffer, xattrs: Array<[number, Array<[string, Buffer]>]>];
const NUMBERS_PER_ENTRY = 6;

/**
 * Every entry of a directory but . and .., in directory order, without following symlinks.
 * The native addon reads a directory in one call (W1's scan: see native/readDirectory.c);
 * without it, node:fs and @napi-rs/xattr give the same.
 */
export function readDirectoryEntries(dir: string): DirectoryEntry[] {
  const native = nativeAddon();
  if (!native) {
    return readdirSync(fsPath(dir), { encoding: 'buffer' }).map((bytes) => {
      const name = decodePathBytes(bytes);
      return lstatEntry(join(dir, name), name);
    });
  }
  const [names, numbers, ids, stamps, targets, xattrRows] = native.readDirectory(fsPath(dir)) as NativeListing;
  const count = numbers.length / NUMBERS_PER_ENTRY;
  if (count === 0) return [];
  const nameList = decodePathBytes(names).split('\0');
  const idList = ids.split('\0');
  const stampList = stamps.split('\0');
  const targetList = decodePathBytes(targets).split('\0');
  const xattrsAt = new Map(xattrRows.map(([index, list]) => [index, sortedXattrs(list)]));
  const out: DirectoryEntry[] = new Array(count);
  for (let i = 0, at = 0; i < count; i++, at += NUMBERS_PER_ENTRY) {
    const mode = numbers[at]!;
    const entry: DirectoryEntry = {
      name: nameList[i]!,
      mode,
      uid: numbers[at + 1]!,
      gid: numbers[at + 2]!,
      size: numbers[at + 3]!,
      nlink: numbers[at + 4]!,
      rdev: numbers[at + 5]!,
      identity: idList[i]!,
      stamp: stampList[i]!,
      xattrs: xattrsAt.get(i) ?? [],
    };
    if ((mode & S_IFMT) === S_IFLNK) entry.target = targetList[i]!;
    out[i] = entry;
  }
  return out;
}

function sortedXattrs(list: Array<[string, Buffer]>): Xattr[] {
  return list.map(([name, value]) => ({ name, value })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One path's entry, as readDirectoryEntries gives it (node:fs); `absPath` as pathBytes holds it. */
export function lstatEntry(absPath: string, name: string): DirectoryEntry {
  const st: BigIntStats = lstatSync(fsPath(absPath), { bigint: true });
  return {
    name,
    mode: Number(st.mode),
    uid: Number(st.uid),
    gid: Number(st.gid),
    size: Number(st.size),
    nlink: Number(st.nlink),
    rdev: Number(st.rdev),
    identity: `${st.dev}:${st.ino}`,
    stamp: `${st.mtimeNs}:${st.ctimeNs}`,
    xattrs: readXattrs(absPath),
    ...(st.isSymbolicLink() ? { target: decodePathBytes(readlinkSync(fsPath(absPath), { encoding: 'buffer' })) } : {}),
  };
}
