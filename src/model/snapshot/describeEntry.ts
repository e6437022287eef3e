import type { EntryKind, FsEntry } from './fsEntry.js';
import { formatModeString, formatOctalMode } from './modeString.js';
import { pathByteLength } from './pathBytes.js';

/** An entry as listings print it (plain data for text and --json). */
export interface EntryDescription {
  path: string;
  kind: EntryKind;
  /** Four octal digits: "4755". */
  mode: string;
  /** As ls -l: "-rwsr-xr-x". */
  modeString: string;
  uid: number;
  gid: number;
  /** Bytes of a file, of a symlink's target; 0 otherwise. */
  size: number;
  oid?: string;
  target?: string;
  device?: { major: number; minor: number };
  /** Names of the extended attributes. */
  xattrs: string[];
}

export function describeEntry(entry: FsEntry): EntryDescription {
  const out: EntryDescription = {
    path: entry.path,
    kind: entry.kind,
    mode: formatOctalMode(entry.mode),
    modeString: formatModeString(entry.kind, entry.mode),
    uid: entry.uid,
    gid: entry.gid,
    size: 0,
    xattrs: entry.xattrs.map((x) => x.name),
  };
  if (entry.kind === 'file') Object.assign(out, { size: entry.size, oid: entry.oid });
  else if (entry.kind === 'symlink') Object.assign(out, { size: pathByteLength(entry.target), oid: entry.oid, target: entry.target });
  else if (entry.kind === 'chardev' || entry.kind === 'blockdev') out.device = { major: entry.major, minor: entry.minor };
  return out;
}
