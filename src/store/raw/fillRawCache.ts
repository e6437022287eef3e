import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { metaBlobMismatch } from '../../model/snapshot/metaBlobMismatch.js';
import type { Oid } from '../../model/git/oid.js';
import { entryExists } from '../../platform/fs/entryExists.js';
import { openVerifiedPack, type VerifiedPack } from '../objects/openVerifiedPack.js';
import { ensureRaw, metaDisagrees } from './ensureRaw.js';
import { ensureRawObject, rawEntryPath } from './rawCache.js';
import type { Repository } from '../repository/repository.js';
import type { ProgressCallback } from '../blobs/storeFilesInParallel.js';

/** Blob reads kept in flight: git cat-file inflates the next objects while node writes one. */
const IN_FLIGHT = 32;

type RawEntry = Exclude<FsEntry, { kind: 'dir' }>;

export interface FillRawCacheOptions {
  onProgress?: ProgressCallback;
  /**
   * Packs this process just indexed (their names; see openVerifiedPack): their blobs are read straight
   * from the pack file, in its order, without hashing them again (openVerifiedPack).
   */
  verifiedPacks?: readonly string[];
}

/**
 * Puts every non-directory entry of a snapshot that the raw cache lacks into it, from its git
 * blob (each read re-hashed against its id, so this also proves every blob is here and intact;
 * those of a verified pack were hashed when it was indexed). After a pull the blobs are packed: they
 * stream from one `git cat-file --batch`, pipelined. Returns how many raw entries were made.
 */
export async function fillRawCache(repo: Repository, entries: readonly FsEntry[], options: FillRawCacheOptions = {}): Promise<number> {
  const missing = new Map<string, RawEntry>();
  for (const entry of entries) {
    if (entry.kind === 'dir') continue;
    const path = rawEntryPath(repo, entry);
    if (!missing.has(path) && !entryExists(path)) missing.set(path, entry);
  }
  const { onProgress } = options;
  let done = 0;
  const progress = () => {
    if (++done % 256 === 0) onProgress?.('filling the raw cache', done, missing.size);
  };
  const queue = fillFromVerifiedPacks(repo, [...missing.values()], options.verifiedPacks ?? [], progress);
  const worker = async (): Promise<void> => {
    for (let entry = queue.pop(); entry !== undefined; entry = queue.pop()) {
      await ensureRaw(repo, entry);
      progress();
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, queue.length) }, worker));
  onProgress?.('filling the raw cache', missing.size, missing.size);
  return missing.size;
}

/**
 * Writes the file entries whose blob a verified pack holds whole, each blob read once (for all
 * the entries that share it) in pack order, so the pack file is read front to back. Returns the
 * entries left for git: symlinks, devices, fifos, and blobs in no verified pack or stored as deltas.
 */
function fillFromVerifiedPacks(repo: Repository, entries: RawEntry[], gitPacks: readonly string[], progress: () => void): RawEntry[] {
  if (gitPacks.length === 0) return entries;
  const packs = gitPacks.map((name) => openVerifiedPack(repo, name));
  try {
    const rest: RawEntry[] = [];
    const byBlob = new Map<Oid, { pack: VerifiedPack; entries: Array<Extract<RawEntry, { kind: 'file' }>> }>();
    for (const entry of entries) {
      const pack = entry.kind === 'file' ? packs.find((p) => p.has(entry.oid)) : undefined;
      if (entry.kind !== 'file' || pack === undefined) {
        rest.push(entry);
        continue;
      }
      const blob = byBlob.get(entry.oid);
      if (blob) blob.entries.push(entry);
      else byBlob.set(entry.oid, { pack, entries: [entry] });
    }
    const order = [...byBlob].sort(([a, x], [b, y]) => (x.pack === y.pack ? x.pack.offsetOf(a) - y.pack.offsetOf(b) : packs.indexOf(x.pack) - packs.indexOf(y.pack)));
    for (const [oid, { pack, entries: sharing }] of order) {
      const content = pack.readBlob(oid);
      if (content === null) {
        rest.push(...sharing);
        continue;
      }
      for (const entry of sharing) {
        const mismatch = metaBlobMismatch(entry, content.length);
        if (mismatch !== null) throw metaDisagrees(entry, mismatch);
        ensureRawObject(repo, oid, entry, content);
        progress();
      }
    }
    return rest;
  } finally {
    for (const pack of packs) pack.close();
  }
}
