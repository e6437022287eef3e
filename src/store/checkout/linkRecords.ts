import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { encodePathBytes } from '../../model/snapshot/pathBytes.js';
import { TOP } from '../../model/snapshot/repoPath.js';
import { NATIVE_ABI } from '../../platform/native/nativeAddon.js';
import { rawEntryName } from '../raw/rawCache.js';

/**
 * Which records these are: the addon interface they are made for (its ABI version), kept with
 * them in the entry cache, so that records cached for another interface are made again.
 */
export const LINK_RECORDS_VERSION = NATIVE_ABI;

/**
 * The records the native addon's linkTree takes for a snapshot's entries (the format is at the
 * top of native/linkTree.c): `D PATH NUL` for a directory, `L PATH NUL RAW NUL EXTRA NUL` for
 * anything else, in the entries' order, the top directory left out. They depend on the entries
 * alone, so the snapshot entry cache keeps them beside the entries (snapshotEntryCache.ts) and a
 * checkout of a cached tree does not build them again (docs/decisions/0015-link-records.md).
 */
export function linkRecordsOf(entries: readonly FsEntry[]): Buffer {
  let records = '';
  for (const entry of entries) {
    if (entry.path === TOP) continue;
    records += entry.kind === 'dir' ? `D${entry.path}\0` : `L${entry.path}\0${rawEntryName(entry)}\0${checkedExtra(entry)}\0`;
  }
  return encodePathBytes(records);
}

/**
 * Which entry each record stands for (the top directory has none), and how many records are
 * links: what linkTree's failures and refusals are mapped back with.
 */
export function recordEntries(entries: readonly FsEntry[]): { indexOf: number[]; links: number } {
  const indexOf: number[] = [];
  let links = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.path === TOP) continue;
    indexOf.push(i);
    if (entry.kind !== 'dir') links++;
  }
  return { indexOf, links };
}

/**
 * What linkTree checks a link with beyond the kind, mode and owner its raw name carries: a
 * file's size, a symlink's target, a device's numbers (native/linkTree.c).
 */
function checkedExtra(entry: Exclude<FsEntry, { kind: 'dir' }>): string {
  switch (entry.kind) {
    case 'file':
      return String(entry.size);
    case 'symlink':
      return entry.target;
    case 'chardev':
    case 'blockdev':
      return `${entry.major},${entry.minor}`;
    case 'fifo':
      return '';
  }
}
