import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { parseRepoPath } from '../../model/snapshot/repoPath.js';
import type { NativeAddon } from '../../platform/native/nativeAddon.js';
import { linkRecordsOf, recordEntries } from './linkRecords.js';
import type { Repository } from '../repository/repository.js';
import type { ProgressCallback } from '../blobs/storeFilesInParallel.js';

/** A mkdir or link that failed: the entry's index, and the error as node:fs would give it. */
export interface LinkFailure {
  index: number;
  error: NodeJS.ErrnoException;
}

/**
 * The threads that make a checkout's directories and links: kernel time, which runs in
 * parallel on ext4 while the threads mostly work in different directories.
 */
const THREADS = Math.min(4, Math.max(2, availableParallelism()));

/**
 * Makes `entries` (parents first) under `root` with the native addon's linkTree: every
 * directory (mode 0700; the caller sets its metadata), then a hardlink from the raw cache for
 * every other entry, each kept only when its lstat is what the entry says, all on THREADS
 * threads. Returns how many links were made and what failed, by entry, in order; the caller
 * repairs a missing or damaged (RAW_MISMATCH) raw entry, falls back to a copy on a filesystem
 * that cannot link, and fails on anything else.
 */
export async function linkTreeNatively(
  native: NativeAddon,
  repo: Repository,
  entries: readonly FsEntry[],
  root: string,
  options: { records?: Buffer; onProgress?: ProgressCallback } = {},
): Promise<{ linked: number; failures: LinkFailure[] }> {
  // One buffer of records for the whole tree, sent in one call (docs/decisions/0009-checkout-threads.md);
  // kept in the entry cache for a cached tree (docs/decisions/0015-link-records.md).
  const records = options.records ?? linkRecordsOf(entries);
  const { indexOf, links } = recordEntries(entries);
  const { onProgress } = options;
  // The raw cache is derived data: a deleted one is made again, and the missing entries are
  // rebuilt from git by the caller's fallback, as for any missing entry.
  mkdirSync(repo.rawDir, { recursive: true });
  const progress = new Int32Array(1);
  const timer = onProgress && setInterval(() => onProgress('checking out', progress[0]!, entries.length), 100);
  let failed: Array<[number, string, string]>;
  try {
    failed = await native.linkTree(repo.rawDir, root, records, THREADS, progress);
  } catch (err) {
    throw refusedRecord(err, entries, indexOf) ?? err;
  } finally {
    if (timer) clearInterval(timer);
  }
  const failures = failed
    .sort((a, b) => a[0] - b[0])
    .map(([record, code, message]): LinkFailure => {
      const index = indexOf[record]!;
      const entry = entries[index]!;
      const syscall = entry.kind === 'dir' ? 'mkdir' : 'link';
      const path = `${root}/${entry.path}`;
      // As node:fs words it, so that callers' error handling treats both alike.
      const error: NodeJS.ErrnoException = Object.assign(new Error(`${code}: ${message.toLowerCase()}, ${syscall} '${path}'`), { code, syscall, path });
      return { index, error };
    });
  return { linked: links - failures.filter((failure) => entries[failure.index]!.kind !== 'dir').length, failures };
}

/**
 * linkTree refuses a record whose path would leave the checkout (or its raw name the raw cache)
 * before it makes anything: as the HacktreeError parseRepoPath gives for that path, where it
 * refuses it too, else one of the addon's code and words. Undefined for any other error.
 */
function refusedRecord(err: unknown, entries: readonly FsEntry[], indexOf: readonly number[]): HacktreeError | undefined {
  const { code, record, message } = err as { code?: unknown; record?: unknown; message?: string };
  if ((code !== 'UNSAFE_PATH' && code !== 'NAME_TOO_LONG') || typeof record !== 'number') return undefined;
  const entry = entries[indexOf[record] ?? -1];
  if (!entry) return undefined;
  try {
    parseRepoPath(entry.path, 'checkout entry');
  } catch (refused) {
    if (refused instanceof HacktreeError) return refused;
    throw refused;
  }
  return new HacktreeError(code, `checkout entry ${JSON.stringify(entry.path)} was refused: ${message ?? code}`, {
    hint: 'hacktree only checks out relative paths that stay inside the tree; fix the snapshot that names this path',
    data: { path: entry.path, where: 'checkout entry' },
  });
}
