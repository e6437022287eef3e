import { closeSync, copyFileSync, linkSync, lstatSync, openSync, readlinkSync, unlinkSync } from 'node:fs';
import { errnoOf } from '../../errors/errnoOf.js';
import { decodePathBytes, fsPath } from '../../model/snapshot/pathBytes.js';
import { expectedStatKey, RAW_MISMATCH, statKeyOf } from '../../model/snapshot/rawStatKey.js';
import { applyMetaToFd, rawEntryPath, type RawEntry } from '../raw/rawCache.js';
import { ensureSoundRaw, type RawRepair } from '../raw/ensureSoundRaw.js';
import { makeSpecialFile } from '../../platform/fs/makeSpecialFile.js';
import type { Repository } from '../repository/repository.js';

/**
 * hacktree's hardlink policy, in one place (as ostree keeps it): hardlink every non-directory
 * entry from the raw cache, and trust the link only when lstat shows what the snapshot says
 * (rawStatKey: kind, mode, owner, size, target, device); make a private copy when linking is
 * impossible (EXDEV: another filesystem; EMLINK: too many links; EPERM: protected_hardlinks or
 * no hardlink support) or when a copy is asked for. A raw entry that is missing or damaged is
 * made again from git first: the raw cache is derived data.
 */
export type PlaceResult = 'linked' | 'copied';

/**
 * The hot path, synchronous: links the entry from the raw cache and returns true, or returns
 * false when `placeEntry` must take over (raw entry missing or damaged, or linking impossible
 * here).
 */
export function tryLinkEntry(repo: Repository, entry: RawEntry, dest: string): boolean {
  return linkEntry(repo, entry, dest) === null;
}

/**
 * Links the entry; null when done, else the code of what placeEntry must handle. The link's own
 * lstat is what is checked: it is the inode the checkout got.
 */
function linkEntry(repo: Repository, entry: RawEntry, dest: string): string | null {
  try {
    linkSync(rawEntryPath(repo, entry), fsPath(dest));
  } catch (err) {
    const code = errnoOf(err);
    if (placeEntryHandles(code)) return code!;
    throw err;
  }
  const linked = fsPath(dest);
  if (statKeyOf(lstatSync(linked), () => decodePathBytes(readlinkSync(linked, { encoding: 'buffer' }))) === expectedStatKey(entry)) return null;
  unlinkSync(linked);
  return RAW_MISMATCH;
}

/**
 * The link failures placeEntry handles: the raw entry is missing (ENOENT; ENOTDIR: a file
 * where its fan-out directory should be, which writing it reports as REPO_DAMAGED) or damaged
 * (RAW_MISMATCH), or linking is impossible here.
 */
export function placeEntryHandles(code: string | undefined): boolean {
  return code === 'ENOENT' || code === 'ENOTDIR' || code === RAW_MISMATCH || code === 'EXDEV' || code === 'EMLINK' || code === 'EPERM';
}

export interface PlaceOptions {
  /** A private copy, never a link. */
  copy?: boolean;
  /** Hears of each damaged raw entry rewritten on the way (see ensureSoundRaw). */
  onRepaired?: (repair: RawRepair) => void;
}

export async function placeEntry(repo: Repository, entry: RawEntry, dest: string, options: PlaceOptions = {}): Promise<PlaceResult> {
  const { onRepaired } = options;
  if (options.copy !== true) {
    const failure = linkEntry(repo, entry, dest);
    if (failure === null) return 'linked';
    // Linked again once the raw entry is sound, unless linking cannot work here whatever it is
    // (EPERM may be a raw entry turned into a directory).
    if (failure !== 'EXDEV' && failure !== 'EMLINK') {
      await ensureSoundRaw(repo, entry, onRepaired);
      if (tryLinkEntry(repo, entry, dest)) return 'linked';
    }
  }
  if (entry.kind !== 'file') {
    makeSpecialFile(dest, entry);
    return 'copied';
  }
  // Checked first: copyFileSync would follow a raw entry turned into a symlink.
  copyFileSync(await ensureSoundRaw(repo, entry, onRepaired), fsPath(dest));
  const fd = openSync(fsPath(dest), 'r');
  try {
    applyMetaToFd(dest, fd, entry);
  } finally {
    closeSync(fd);
  }
  return 'copied';
}
