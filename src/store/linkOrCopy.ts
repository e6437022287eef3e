import { closeSync, copyFileSync, linkSync, lstatSync, openSync, type Stats } from 'node:fs';
import { HacktreeError } from '../errors/HacktreeError.js';
import { errnoOf } from '../errors/errnoOf.js';
import { translateWriteError } from './atomicWrite.js';
import { readObjectOfType } from './objectStore.js';
import { applyMetaToFd, ensureRawObject, ensureRawSpecial, rawEntryPath, type RawEntry } from './rawCache.js';
import { entryExists } from './entryExists.js';
import { makeSpecialFile } from './makeSpecialFile.js';
import { describeNonFile } from './openRegularFile.js';
import type { Repository } from './repository.js';

/**
 * hacktree's hardlink policy, in one place (as ostree keeps it): hardlink every non-directory
 * entry from the raw cache; make a private copy when linking is impossible (EXDEV: another
 * filesystem; EMLINK: too many links; EPERM: protected_hardlinks or no hardlink support) or
 * when a copy is asked for. A raw entry that is missing is rebuilt from git first: the raw
 * cache is derived data.
 */
export type PlaceResult = 'linked' | 'copied';

/**
 * The hot path, synchronous: links the entry from the raw cache and returns true, or returns
 * false when `placeEntry` must take over (raw entry missing, or linking impossible here).
 */
export function tryLinkEntry(repo: Repository, entry: RawEntry, dest: string): boolean {
  try {
    linkSync(rawEntryPath(repo, entry), dest);
    return true;
  } catch (err) {
    if (isLinkImpossible(errnoOf(err))) return false;
    throw err;
  }
}

/**
 * The link(2) failures placeEntry handles: the raw entry is missing (ENOTDIR: a file where its
 * fan-out directory should be, which ensureRaw reports), or linking is impossible here.
 */
export function isLinkImpossible(errno: string | undefined): boolean {
  return errno === 'ENOENT' || errno === 'EXDEV' || errno === 'EMLINK' || errno === 'EPERM' || errno === 'ENOTDIR';
}

export async function placeEntry(repo: Repository, entry: RawEntry, dest: string, copy: boolean): Promise<PlaceResult> {
  if (!copy) {
    if (tryLinkEntry(repo, entry, dest)) return 'linked';
    if (!entryExists(rawEntryPath(repo, entry))) {
      await ensureRaw(repo, entry);
      if (tryLinkEntry(repo, entry, dest)) return 'linked';
    }
  }
  if (entry.kind !== 'file') {
    makeSpecialFile(dest, entry);
    return 'copied';
  }
  copyFileSync(await ensureRaw(repo, entry), dest);
  const fd = openSync(dest, 'r');
  try {
    applyMetaToFd(dest, fd, entry);
  } finally {
    closeSync(fd);
  }
  return 'copied';
}

/** Makes sure an entry's raw object exists (a file from its git blob) and returns its path. */
export async function ensureRaw(repo: Repository, entry: RawEntry): Promise<string> {
  if (entry.kind !== 'file') return ensureRawSpecial(repo, entry);
  const raw = rawEntryPath(repo, entry);
  let stat: Stats | undefined;
  try {
    stat = lstatSync(raw, { throwIfNoEntry: false });
  } catch (err) {
    throw translateWriteError(err, repo);
  }
  if (stat?.isFile()) return raw;
  if (stat !== undefined) {
    throw new HacktreeError('REPO_DAMAGED', `the raw cache entry ${raw} (for /${entry.path}) is ${describeNonFile(stat)}, not a file`, {
      hint: '"hacktree fsck --repair" removes it and rebuilds it from git',
      data: { path: raw, oid: entry.oid },
    });
  }
  return ensureRawObject(repo, entry.oid, entry, await readObjectOfType(repo, entry.oid, 'blob'));
}
