import { chmodSync, lchownSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { fsPath } from '../../model/snapshot/pathBytes.js';
import { parentOf, TOP, type RepoPath } from '../../model/snapshot/repoPath.js';
import { writeXattrs } from '../../platform/fs/readXattrs.js';
import type { Repository } from '../repository/repository.js';
import type { ProgressCallback } from '../blobs/storeFilesInParallel.js';
import { placeEntry, placeEntryHandles, tryLinkEntry } from './linkOrCopy.js';
import type { RawRepair } from '../raw/ensureSoundRaw.js';
import { expectedStatKey } from '../../model/snapshot/rawStatKey.js';
import { startLinkHelper } from './linkOnHelperThread.js';
import { entryExists } from '../../platform/fs/entryExists.js';
import { rawEntryPath } from '../raw/rawCache.js';
import { makeSpecialFiles } from '../../platform/fs/makeSpecialFile.js';
import { linkTreeNatively } from './linkTreeNatively.js';
import { nativeAddon, type NativeAddon } from '../../platform/native/nativeAddon.js';

export interface CheckoutOptions {
  /** Independent, writable copies instead of hardlinks into the store. */
  copy?: boolean;
  /** Overlayfs whiteouts (0:0 character devices) to make too, each in a directory of `entries`. */
  whiteouts?: readonly RepoPath[];
  onProgress?: ProgressCallback;
  /** Hears of each damaged raw cache entry the checkout found and rewrote before linking it. */
  onRawRepaired?: (repair: RawRepair) => void;
  /**
   * linkRecordsOf(entries), when the caller has it (readSnapshot's `linkRecords`, from the
   * entry cache): the native checkout then does not build them again. Only for entries as
   * readSnapshot gave them.
   */
  linkRecords?: Buffer;
}

export interface CheckoutResult {
  dest: string;
  entries: number;
  linked: number;
  copied: number;
  /** Damaged raw cache entries found and rewritten (see ensureSoundRaw). */
  repairedRaw: RawRepair[];
}

/**
 * Materializes a snapshot at `dest` (which must not exist, or be empty). Everything is made in
 * a temporary sibling directory that is renamed into place at the end, so `dest` is never
 * half-populated and a failure leaves nothing behind. Entries come parents-first from a
 * validated snapshot and `dest` is new, so no write ever goes through a symlink.
 */
export async function checkoutSnapshot(
  repo: Repository,
  entries: readonly FsEntry[],
  destArg: string,
  options: CheckoutOptions = {},
): Promise<CheckoutResult> {
  const dest = resolve(destArg);
  const destIsEmptyDir = checkDestination(dest);
  const staging = join(dirname(dest), `.${basename(dest)}.hacktree-${process.pid}`);
  makeStaging(staging, dest);
  const result: CheckoutResult = { dest, entries: entries.length, linked: 0, copied: 0, repairedRaw: [] };
  try {
    await populate(repo, entries, staging, options, result);
    if (destIsEmptyDir) rmdirSync(dest);
    renameSync(staging, dest);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return result;
}

function makeStaging(staging: string, dest: string): void {
  try {
    mkdirSync(staging, { mode: 0o700 });
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT' && errnoOf(err) !== 'ENOTDIR') throw err;
    throw new HacktreeError('PATH_NOT_FOUND', `cannot check out to ${dest}: its parent ${dirname(dest)} does not exist or is not a directory`, {
      hint: `create the parent first (mkdir -p ${dirname(dest)}), or name a destination in an existing directory`,
      data: { dest },
    });
  }
}

function checkDestination(dest: string): boolean {
  try {
    if (readdirSync(dest).length === 0) return true;
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    if (errnoOf(err) !== 'ENOTDIR') throw err;
    // ENOTDIR: dest is a file, or a file stands where one of its parents should (makeStaging says so).
    if (!entryExists(dest)) return false;
  }
  throw new HacktreeError('DEST_NOT_EMPTY', `checkout destination ${dest} already exists and is not an empty directory`, {
    hint: 'name a new path, or remove the old checkout first',
    data: { dest },
  });
}

async function populate(
  repo: Repository,
  entries: readonly FsEntry[],
  root: string,
  options: CheckoutOptions,
  result: CheckoutResult,
): Promise<void> {
  const absOf = (entry: FsEntry) => (entry.path === TOP ? root : `${root}/${entry.path}`);
  const native = options.copy === true ? null : nativeAddon();
  const finishedEarly = native ? await linkNatively(native, repo, entries, root, options, result) : await linkInJavaScript(repo, entries, root, absOf, options, result);
  const whiteouts = options.whiteouts ?? [];
  if (whiteouts.length > 0) {
    makeSpecialFiles(whiteouts.map((path) => ({ path: `${root}/${path}`, entry: { kind: 'chardev', path, major: 0, minor: 0, mode: 0, uid: 0, gid: 0, xattrs: [] } })));
  }
  finishDirectories(entries, absOf, entries.length, (i) => !finishedEarly(i));
  options.onProgress?.('checking out', entries.length, entries.length);
}

/**
 * With the native addon: every directory and link on several threads (linkTreeNatively), then
 * here what linking could not do (a missing raw entry, another filesystem). No directory's
 * metadata is set yet.
 */
async function linkNatively(
  native: NativeAddon,
  repo: Repository,
  entries: readonly FsEntry[],
  root: string,
  options: CheckoutOptions,
  result: CheckoutResult,
): Promise<(index: number) => boolean> {
  const { linked, failures } = await linkTreeNatively(native, repo, entries, root, { records: options.linkRecords, onProgress: options.onProgress });
  result.linked += linked;
  for (const { index, error } of failures) {
    const entry = entries[index]!;
    if (entry.kind === 'dir' || !placeEntryHandles(error.code)) throw error;
    result[await placeEntry(repo, entry, `${root}/${entry.path}`, { onRepaired: repairReporter(options, result) })]++;
  }
  return () => false;
}

/** From this many entries on, a helper thread makes part of them (below, its start-up costs more than it saves). */
const HELPER_MIN_ENTRIES = 2000;
/**
 * The helper's part of the entries: less than half, as it starts later and each of its links
 * is slower (docs/decisions/0009-checkout-threads.md).
 */
const HELPER_SHARE = 0.42;
/** Entries per message to the helper. */
const HELPER_BATCH = 1024;

/**
 * Without the native addon (or for --copy): this thread and, for big trees, a worker thread.
 * Returns which directories' metadata it already set.
 */
async function linkInJavaScript(
  repo: Repository,
  entries: readonly FsEntry[],
  root: string,
  absOf: (entry: FsEntry) => string,
  options: CheckoutOptions,
  result: CheckoutResult,
): Promise<(index: number) => boolean> {
  // Synchronous, directories before their contents (the entries come parents-first). A
  // helper thread makes the last part of the entries, directories included, while this one
  // makes the first: mkdir and link are most of a checkout's time, kernel time that runs in
  // parallel on ext4. Sending them through libuv's thread pool instead is no faster: an async
  // call per entry costs as much as it saves (docs/decisions/0007-synchronous-io.md).
  const helper = options.copy !== true && entries.length >= HELPER_MIN_ENTRIES ? startLinkHelper() : undefined;
  const split = helper ? Math.ceil(entries.length * (1 - HELPER_SHARE)) : entries.length;
  // The directories before the split that hold the helper's entries are made first, here.
  const early = helper ? directoriesBefore(entries, split) : [];
  const made = new Set(early);
  // This thread's directories whose whole subtree it makes (not the top, which holds everything,
  // nor those in `made`, which hold helper entries): their metadata may be set before the helper
  // is done, and is, unless whiteouts are still to be made in them.
  const ownSubtree = (i: number) => i < split && entries[i]!.path !== TOP && !made.has(i);
  const finishOwnEarly = helper !== undefined && (options.whiteouts ?? []).length === 0;
  try {
    for (const i of early) mkdirSync(fsPath(absOf(entries[i]!)), { mode: 0o700 });
    // Sent in batches, so that the helper starts on the first while this thread makes the rest.
    for (let first = split; first < entries.length; first += HELPER_BATCH) {
      let ops = '';
      for (let i = first; i < Math.min(first + HELPER_BATCH, entries.length); i++) {
        const entry = entries[i]!;
        ops += entry.kind === 'dir' ? `\0${absOf(entry)}\0\0` : `${rawEntryPath(repo, entry)}\0${absOf(entry)}\0${expectedStatKey(entry)}\0`;
      }
      helper!.run(first, fsPath(ops));
    }
    let done = 0;
    for (let i = 0; i < split; i++) {
      const entry = entries[i]!;
      const abs = absOf(entry);
      if (entry.kind === 'dir') {
        if (entry.path !== TOP && !made.has(i)) mkdirSync(fsPath(abs), { mode: 0o700 });
      } else if (options.copy !== true && tryLinkEntry(repo, entry, abs)) {
        // Synchronous unless the link is impossible: an await per entry costs a microtask each.
        result.linked++;
      } else {
        result[await placeEntry(repo, entry, abs, { copy: options.copy, onRepaired: repairReporter(options, result) })]++;
      }
      if (++done % 2048 === 0) options.onProgress?.('checking out', done, entries.length);
    }
    // While the helper finishes, rather than waiting for it (docs/decisions/0009-checkout-threads.md).
    if (finishOwnEarly) finishDirectories(entries, absOf, split, ownSubtree);
    if (helper) {
      const { linked, failures } = await helper.finish();
      result.linked += linked;
      for (const failure of failures) {
        // What tryLinkEntry leaves to placeEntry (a missing or damaged raw entry, linking
        // impossible here) is done here; anything else (a mkdir that failed too) is the error it was.
        const entry = entries[failure.index]!;
        if (entry.kind === 'dir' || !placeEntryHandles(failure.errno)) throw Object.assign(new Error(failure.message), { code: failure.errno });
        result[await placeEntry(repo, entry, absOf(entry), { onRepaired: repairReporter(options, result) })]++;
      }
    }
  } finally {
    await helper?.stop();
  }
  return (i) => finishOwnEarly && ownSubtree(i);
}

/** Collects a raw entry's repair in the result, and passes it on. */
function repairReporter(options: CheckoutOptions, result: CheckoutResult): (repair: RawRepair) => void {
  return (repair) => {
    result.repairedRaw.push(repair);
    options.onRawRepaired?.(repair);
  };
}

/**
 * Sets the metadata of the directories among entries[0, end) that `which` selects, last and
 * deepest first: a read-only directory must be filled before its mode is set, and chown
 * before chmod keeps setgid bits.
 */
function finishDirectories(entries: readonly FsEntry[], absOf: (entry: FsEntry) => string, end: number, which: (index: number) => boolean): void {
  for (let i = end - 1; i >= 0; i--) {
    const entry = entries[i]!;
    if (entry.kind !== 'dir' || !which(i)) continue;
    const abs = absOf(entry);
    lchownSync(fsPath(abs), entry.uid, entry.gid);
    chmodSync(fsPath(abs), entry.mode);
    writeXattrs(abs, entry.xattrs);
  }
}


/**
 * The indexes, in order, of the directories before `split` that entries from `split` on lie
 * in, directly or further up: these must exist before the helper starts on those entries.
 */
function directoriesBefore(entries: readonly FsEntry[], split: number): number[] {
  const dirIndex = new Map<RepoPath, number>();
  for (let i = 0; i < split; i++) if (entries[i]!.kind === 'dir') dirIndex.set(entries[i]!.path, i);
  const needed = new Set<number>();
  for (let i = split; i < entries.length; i++) {
    for (let path = entries[i]!.path; path !== TOP; ) {
      path = parentOf(path);
      const index = dirIndex.get(path);
      if (index === undefined || needed.has(index)) break;
      if (path !== TOP) needed.add(index);
    }
  }
  return [...needed].sort((a, b) => a - b);
}

