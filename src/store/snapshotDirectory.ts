import { existsSync } from 'node:fs';
import type { FsEntry } from '../model/fsEntry.js';
import { hashObject } from '../model/gitObject.js';
import type { Oid } from '../model/oid.js';
import { writeObject } from './objectStore.js';
import { ensureRawSpecial, rawObjectPath } from './rawCache.js';
import type { Repository } from './repository.js';
import { scanDirectory, type ScannedEntry } from './scanDirectory.js';
import { loadStatCache, saveStatCache, statKey, type StatCache } from './statCache.js';
import { storeFilesInParallel, type ProgressCallback } from './storeFilesInParallel.js';

/**
 * Stores every file of a directory in the repository and returns its snapshot entries.
 * Files whose stat facts match the stat cache (and whose raw object exists) are not read again.
 */
export async function snapshotDirectory(repo: Repository, dir: string, onProgress?: ProgressCallback): Promise<FsEntry[]> {
  const scanned = scanDirectory(dir);
  onProgress?.('scanning', scanned.length, scanned.length);
  const previous = loadStatCache(repo, dir);
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

  const storing = storeFilesInParallel(
    repo,
    pending.map(({ entry }) => ({ absPath: entry.absPath, size: entry.size, meta: entry })),
    onProgress,
  );
  // While the workers hash and compress, this thread puts symlinks, devices and fifos into the
  // raw cache (I/O-bound, so it overlaps), yielding now and then to keep the workers fed.
  let made = 0;
  for (const [index, entry] of scanned.entries()) {
    if (entry.kind === 'file' || entry.kind === 'dir') continue;
    ensureRawSpecial(repo, entry.kind === 'symlink' ? { ...entry, oid: oids.get(index)! } : entry);
    if (++made % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const stored = await storing;
  const record = (index: number, entry: FileEntry, oid: Oid) => {
    oids.set(index, oid);
    next.set(entry.path, { key: statKey(entry), oid });
  };
  pending.forEach((p, k) => record(p.index, p.entry, stored[k]!));
  for (const a of aliases) record(a.index, a.entry, oids.get(a.of)!);
  saveStatCache(repo, dir, next);

  return scanned.map((entry, index): FsEntry => {
    const { absPath: _a, dev: _d, ino: _i, nlink: _n, mtimeNs: _m, ctimeNs: _c, ...line } = entry;
    if (line.kind === 'file' || line.kind === 'symlink') return { ...line, oid: oids.get(index)! };
    return line;
  });
}
