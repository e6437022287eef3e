import { lstatSync, readlinkSync, rmSync } from 'node:fs';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { decodePathBytes } from '../../model/snapshot/pathBytes.js';
import { describeStatDifference, expectedStatKey, statKeyOf, type RawStatKey } from '../../model/snapshot/rawStatKey.js';
import { checkSymlinkTarget, ensureRaw, readFileBlob } from './ensureRaw.js';
import { ensureRawObject, ensureRawSpecial, rawEntryPath, type RawEntry } from './rawCache.js';
import type { Repository } from '../repository/repository.js';

/** A raw cache entry a checkout found damaged and rewrote: its path, and what was wrong. */
export interface RawRepair {
  path: string;
  detail: string;
}

/**
 * The raw entry `entry` links from, as its snapshot says it must be (see rawStatKey): made when
 * missing, rewritten from its git blob (a file) or its meta record (the rest) when lstat shows
 * another kind, mode, owner, size, symlink target or device, so that a damaged raw entry is
 * never linked or copied into a checkout. Returns its path; `onRepaired` hears of each rewrite.
 */
export async function ensureSoundRaw(repo: Repository, entry: RawEntry, onRepaired?: (repair: RawRepair) => void): Promise<string> {
  const path = rawEntryPath(repo, entry);
  const found = statKeyIfExists(path);
  if (found === null) return ensureRaw(repo, entry);
  const expected = expectedStatKey(entry);
  if (found === expected) return path;
  // The raw entry or the meta record? The git blob decides, before anything is removed: a
  // commit whose meta record disagrees with its blobs is refused (META_INVALID), and the raw
  // entry its sound twins link from stays.
  const content = entry.kind === 'file' ? await readFileBlob(repo, entry) : null;
  if (entry.kind === 'symlink') checkSymlinkTarget(entry);
  rmSync(path, { recursive: true, force: true });
  if (entry.kind === 'file') ensureRawObject(repo, entry.oid, entry, content!);
  else ensureRawSpecial(repo, entry);
  const made = statKeyIfExists(path);
  if (made !== expected) {
    throw new HacktreeError('RAW_CACHE_DAMAGED', `raw cache entry ${path} for /${entry.path} stays wrong after it was rewritten: ${made === null ? 'it is gone' : describeStatDifference(expected, made)}`, {
      hint: 'something else is changing the raw cache (hacktree/raw): stop it, then run "hacktree fsck --repair"',
      data: { path, entry: entry.path },
    });
  }
  onRepaired?.({ path, detail: describeStatDifference(expected, found) });
  return path;
}

function statKeyIfExists(path: string): RawStatKey | null {
  try {
    return statKeyOf(lstatSync(path), () => decodePathBytes(readlinkSync(path, { encoding: 'buffer' })));
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return null;
    throw err;
  }
}
