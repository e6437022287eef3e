import type { Worker } from 'node:worker_threads';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { hashObject } from '../../model/git/gitObject.js';
import type { Oid } from '../../model/git/oid.js';
import { encodePathBytes } from '../../model/snapshot/pathBytes.js';
import { writeObject } from '../objects/objectStore.js';
import { createPackWriter } from '../objects/packWriter.js';
import type { SpecialEntry } from '../../platform/fs/makeSpecialFile.js';
import { ensureRawSpecials, rawObjectPath, rawPathsExist } from '../raw/rawCache.js';
import type { Repository } from '../repository/repository.js';
import type { ScannedEntry } from './scanDirectory.js';
import { statKey, type StatCache } from './statCache.js';
import { storeFilesInParallel, type ProgressCallback } from '../blobs/storeFilesInParallel.js';

/**
 * Stores scanned entries (files as blobs + raw objects, symlink targets, devices and fifos in the
 * raw cache) with the metadata the entries carry, and returns their snapshot entries plus the
 * stat cache to keep. Files whose stat facts match `previous` (and whose raw object exists) are
 * not read again.
 */
export async function storeScannedEntries(
  repo: Repository,
  scanned: readonly ScannedEntry[],
  options: { previous?: StatCache; onProgress?: ProgressCallback; started?: readonly Worker[] } = {},
): Promise<{ entries: FsEntry[]; statCache: StatCache }> {
  const previous = options.previous ?? new Map();
  const next: StatCache = new Map();
  const oids = new Map<number, Oid>();
  const byInode = new Map<string, number>();
  type FileEntry = Extract<ScannedEntry, { kind: 'file' }>;
  const pending: Array<{ index: number; entry: FileEntry }> = [];
  // Further names of an inode already pending: stored once, same blob.
  const aliases: Array<{ index: number; of: number; entry: FileEntry }> = [];

  // Files the stat cache knows unchanged, whose raw file is still there: not read again.
  const known: number[] = [];
  const knownRawPaths: string[] = [];
  scanned.forEach((entry, index) => {
    if (entry.kind !== 'file') return;
    const cached = previous.get(entry.path);
    if (cached && cached.key === statKey(entry)) {
      known.push(index);
      knownRawPaths.push(rawObjectPath(repo, cached.oid, entry));
    }
  });
  const unchanged = new Set<number>();
  rawPathsExist(repo, knownRawPaths).forEach((present, k) => present && unchanged.add(known[k]!));

  const symlinks: SymlinkEntry[] = [];
  const nodes: SpecialEntry[] = [];
  scanned.forEach((entry, index) => {
    if (entry.kind === 'symlink') {
      const oid = hashObject('blob', encodePathBytes(entry.target));
      oids.set(index, oid);
      symlinks.push({ ...entry, oid });
    } else if (entry.kind === 'file') {
      if (unchanged.has(index)) {
        const cached = previous.get(entry.path)!;
        oids.set(index, cached.oid);
        next.set(entry.path, cached);
        return;
      }
      if (entry.nlink > 1) {
        const first = byInode.get(entry.identity);
        if (first !== undefined) return void aliases.push({ index, of: first, entry });
        byInode.set(entry.identity, index);
      }
      pending.push({ index, entry });
    } else if (entry.kind !== 'dir') {
      nodes.push(entry);
    }
  });

  // The workers store the files while this thread stores the symlinks, so no core waits
  // (docs/decisions/0008-commit-pipeline.md).
  const filesStored = storeFilesInParallel(
    repo,
    pending.map(({ entry }) => ({ absPath: entry.absPath, size: entry.size, meta: entry })),
    { onProgress: options.onProgress, started: options.started },
  );
  filesStored.catch(() => undefined); // handled below: awaited either way
  try {
    await storeSymlinks(repo, symlinks);
  } catch (err) {
    await filesStored.catch(() => undefined); // the workers stop and clean up before the error goes on
    throw err;
  }
  const stored = await filesStored;
  // Devices and fifos only now: making them forks a shell, and forking while worker threads ran
  // stalled them for seconds.
  ensureRawSpecials(repo, nodes);
  const record = (index: number, entry: FileEntry, oid: Oid) => {
    oids.set(index, oid);
    next.set(entry.path, { key: statKey(entry), oid });
  };
  pending.forEach((p, k) => record(p.index, p.entry, stored[k]!));
  for (const a of aliases) record(a.index, a.entry, oids.get(a.of)!);

  const entries = scanned.map((entry, index) => snapshotEntryOf(entry, oids.get(index)));
  return { entries, statCache: next };
}

/**
 * The snapshot entry of a scanned one (its stat facts dropped, its blob id added), built field
 * by field, not by object rest and spread: docs/decisions/0010-per-entry-code.md.
 */
function snapshotEntryOf(entry: ScannedEntry, oid: Oid | undefined): FsEntry {
  const { path, mode, uid, gid, xattrs } = entry;
  switch (entry.kind) {
    case 'file': return { kind: 'file', path, mode, uid, gid, xattrs, size: entry.size, oid: oid! };
    case 'symlink': return { kind: 'symlink', path, mode, uid, gid, xattrs, target: entry.target, oid: oid! };
    case 'chardev':
    case 'blockdev': return { kind: entry.kind, path, mode, uid, gid, xattrs, major: entry.major, minor: entry.minor };
    default: return { kind: entry.kind, path, mode, uid, gid, xattrs };
  }
}

type SymlinkEntry = Extract<SpecialEntry, { kind: 'symlink' }>;

/** From this many symlinks on, their target blobs go into one pack, not loose objects (see storeFilesInParallel). */
const PACK_MIN_SYMLINKS = 100;
/** Symlinks stored between two turns of the event loop, which feeds the workers their batches. */
const SYMLINKS_PER_TURN = 64;

/** Stores symlink target blobs and the symlinks' raw entries, yielding to the event loop as it goes. */
async function storeSymlinks(repo: Repository, symlinks: readonly SymlinkEntry[]): Promise<void> {
  const pack = symlinks.length >= PACK_MIN_SYMLINKS ? createPackWriter(repo) : undefined;
  try {
    for (let i = 0; i < symlinks.length; i += SYMLINKS_PER_TURN) {
      const turn = symlinks.slice(i, i + SYMLINKS_PER_TURN);
      for (const link of turn) {
        const target = encodePathBytes(link.target);
        if (pack) pack.add(link.oid, 'blob', target);
        else writeObject(repo, 'blob', target, link.oid);
      }
      ensureRawSpecials(repo, turn);
      await new Promise((resolve) => setImmediate(resolve));
    }
    pack?.finish();
  } catch (err) {
    pack?.abort();
    throw err;
  }
}
