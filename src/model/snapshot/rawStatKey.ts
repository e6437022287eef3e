import { splitRdev } from './deviceNumbers.js';
import type { FsEntry } from './fsEntry.js';
import { formatOctalMode } from './modeString.js';

/**
 * What lstat(2) shows of a raw cache entry (and readlink(2) of a symlink), as one string that a
 * checkout compares with the one its snapshot entry gives, before it trusts a hardlink: the
 * kind, the permission bits (not a symlink's: Linux has none), the owner, and a file's size, a
 * symlink's target or a device's numbers. A file's content and xattrs are not in it (reading
 * them costs what the hardlink saves; fsck re-hashes them).
 *
 * Fields are separated by spaces; the last (a target may hold spaces) is everything after the
 * third. No field holds a NUL, so the key travels in NUL-separated records.
 */
export type RawStatKey = string & { __rawStatKey: true };

/**
 * The failure code of a hardlink whose lstat did not give the expected key (and that was removed
 * again): linkTree (native/linkTree.c), linkWorker and linkOrCopy report it alike.
 */
export const RAW_MISMATCH = 'RAW_MISMATCH';

/** The lstat facts the key is made of: node:fs Stats has them. */
export interface StatFacts {
  mode: number;
  uid: number;
  gid: number;
  size: number;
  rdev: number;
}

type LinkedEntry = Exclude<FsEntry, { kind: 'dir' }>;

const KIND_OF_TYPE_BITS = new Map<number, string>([
  [0o100000, 'file'],
  [0o120000, 'symlink'],
  [0o020000, 'chardev'],
  [0o060000, 'blockdev'],
  [0o010000, 'fifo'],
  [0o040000, 'directory'],
  [0o140000, 'socket'],
]);

function keyOf(kind: string, mode: number | null, uid: number, gid: number, extra: string): RawStatKey {
  return `${kind} ${mode === null ? '-' : formatOctalMode(mode)} ${uid}:${gid} ${extra}` as RawStatKey;
}

const sizeText = (size: number) => `${size} bytes`;
const targetText = (target: string) => `-> ${target}`;
const deviceText = (major: number, minor: number) => `device ${major},${minor}`;

/** The key of the raw entry a snapshot entry links from, as it must be. */
export function expectedStatKey(entry: LinkedEntry): RawStatKey {
  switch (entry.kind) {
    case 'file':
      return keyOf('file', entry.mode, entry.uid, entry.gid, sizeText(entry.size));
    case 'symlink':
      return keyOf('symlink', null, entry.uid, entry.gid, targetText(entry.target));
    case 'chardev':
    case 'blockdev':
      return keyOf(entry.kind, entry.mode, entry.uid, entry.gid, deviceText(entry.major, entry.minor));
    case 'fifo':
      return keyOf('fifo', entry.mode, entry.uid, entry.gid, '');
  }
}

/** The key of what is on disk: `readTarget` is called for a symlink only. */
export function statKeyOf(stat: StatFacts, readTarget: () => string): RawStatKey {
  const kind = KIND_OF_TYPE_BITS.get(stat.mode & 0o170000) ?? 'unknown';
  switch (kind) {
    case 'file':
      return keyOf(kind, stat.mode & 0o7777, stat.uid, stat.gid, sizeText(stat.size));
    case 'symlink':
      return keyOf(kind, null, stat.uid, stat.gid, targetText(readTarget()));
    case 'chardev':
    case 'blockdev': {
      const { major, minor } = splitRdev(BigInt(stat.rdev));
      return keyOf(kind, stat.mode & 0o7777, stat.uid, stat.gid, deviceText(major, minor));
    }
    default:
      return keyOf(kind, stat.mode & 0o7777, stat.uid, stat.gid, '');
  }
}

const FIELD_NAMES = ['kind', 'mode', 'owner'] as const;

/** "mode 0755, the snapshot has 4755": how the key found on disk differs from the expected one. */
export function describeStatDifference(expected: RawStatKey, found: RawStatKey): string {
  const want = splitKey(expected);
  const have = splitKey(found);
  // Another kind says it all: its mode, size or target mean nothing beside the entry's.
  if (want[0] !== have[0]) return `it is a ${have[0]}, the snapshot has a ${want[0]}`;
  const differences: string[] = [];
  for (let i = 1; i < 3; i++) {
    if (want[i] !== have[i]) differences.push(`${FIELD_NAMES[i]} ${have[i]}, the snapshot has ${want[i]}`);
  }
  if (want[3] !== have[3]) differences.push(`${have[3]}, the snapshot has ${want[3]}`);
  return differences.join('; ');
}

function splitKey(key: RawStatKey): [string, string, string, string] {
  const [kind, mode, owner] = key.split(' ', 3) as [string, string, string];
  return [kind, mode, owner, key.slice(kind.length + mode.length + owner.length + 3)];
}
