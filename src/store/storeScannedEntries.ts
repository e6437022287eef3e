import { existsSync } from 'node:fs';
import type { FsEntry } from '../model/fsEntry.js';
import { hashObject } from '../model/gitObject.js';
import type { Oid } from '../model/oid.js';
import { writeObject } from './objectStore.js';
import type { SpecialEntry } from './makeSpecialFile.js';
import { ensureRawSpecials, rawObjectPath } from './rawCache.js';
import type { Repository } from './repository.js';
import type { ScannedEntry } from './scanDirectory.js';
import { statKey, type StatCache } from './statCache.js';
import { storeFilesInParallel, type ProgressCallback } from './storeFilesInParallel.js';

/**
 * Stores scanned entries (files as blobs + raw objects, symlink targets, devices and fifos in the
 * raw cache) with the metadata the entries carry, and returns their snapshot entries plus the
 * stat cache to keep. Files whose stat facts match `previous` (and whose raw object exists) are
 * not read again.
 */
export async function storeScannedEntries(
  repo: Repository,
  scanned: readonly ScannedEntry[],
  options: { previous?: StatCache; onProgress?: ProgressCallback } = {},
): Promise<{ entries: FsEntry[]; statCache: StatCache }> {
  const previous = options.previous ?? new Map();
  const next: StatCache = new Map();
  const oids = new Map<number, Oid>();
  const byInode = new Map<string, number>();
  type FileEntry = Extract<ScannedEntry, { kind: 'file' }>;
  const pending: Array<{ index: number; entry: FileEntry }> = [];
  // Further names of an inode already pending: stored once, same blob.
  const aliases: Array<{ index: number; of: number; entry: FileEntry }> = [];

  scanned.forEach((entry, index) => {
    if (entry.kind === 'symlink') {
      const target = Buffer.from(entry.target);
      oids.set(index, writeObject(repo, 'blob', target, hashObject('blob', target)));
    } else if (entry.kind === 'file') {
      const cached = previous.get(entry.path);
      if (cached && cached.key === statKey(entry) && existsSync(rawObjectPath(repo, cached.oid, entry))) {
        oids.set(index, cached.oid);
        next.set(entry.path, cached);
        return;
      }
      if (entry.nlink > 1) {
        const inode = `${entry.dev}:${entry.ino}`;
        const first = byInode.get(inode);
        if (first !== undefined) return void aliases.push({ index, of: first, entry });
        byInode.set(inode, index);
      }
      pending.push({ index, entry });
    }
  });

  // Symlinks, devices and fifos go into the raw cache before the workers start: making device
  // nodes forks a shell, and forking while worker threads ran stalled them for seconds.
  const specials: SpecialEntry[] = [];
  scanned.forEach((entry, index) => {
    if (entry.kind === 'symlink') specials.push({ ...entry, oid: oids.get(index)! });
    else if (entry.kind !== 'file' && entry.kind !== 'dir') specials.push(entry);
  });
  ensureRawSpecials(repo, specials);
  const stored = await storeFilesInParallel(
    repo,
    pending.map(({ entry }) => ({ absPath: entry.absPath, size: entry.size, meta: entry })),
    options.onProgress,
  );
  const record = (index: number, entry: FileEntry, oid: Oid) => {
    oids.set(index, oid);
    next.set(entry.path, { key: statKey(entry), oid });
  };
  pending.forEach((p, k) => record(p.index, p.entry, stored[k]!));
  for (const a of aliases) record(a.index, a.entry, oids.get(a.of)!);

  const entries = scanned.map((entry, index): FsEntry => {
    const { absPath: _a, dev: _d, ino: _i, nlink: _n, mtimeNs: _m, ctimeNs: _c, ...line } = entry;
    if (line.kind === 'file' || line.kind === 'symlink') return { ...line, oid: oids.get(index)! };
    return line;
  });
  return { entries, statCache: next };
}
