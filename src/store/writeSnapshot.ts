import type { FsEntry } from '../model/fsEntry.js';
import { serializeTree, type GitTreeEntry } from '../model/gitTree.js';
import { ARTIFACT_ENTRY, FILES_ENTRY, MANIFEST_ENTRY, META_ENTRY } from '../model/commitLayout.js';
import { parseMeta, serializeMeta, type MetaLine } from '../model/metaRecord.js';
import type { Oid } from '../model/oid.js';
import { baseName, parentOf, TOP } from '../model/repoPath.js';
import { filesTreeFingerprint, readFilesTreeMemo, writeFilesTreeMemo } from './filesTreeMemo.js';
import { writeObject } from './objectStore.js';
import type { Repository } from './repository.js';
import { hasSnapshotEntryCache, writeSnapshotEntryCache } from './snapshotEntryCache.js';

/** Writes the git trees for a snapshot's files (blobs must be stored already); returns the top tree. */
export function writeFilesTree(repo: Repository, entries: readonly FsEntry[]): Oid {
  const children = new Map<string, GitTreeEntry[]>();
  const childrenOf = (dir: string): GitTreeEntry[] => {
    let list = children.get(dir);
    if (!list) children.set(dir, (list = []));
    return list;
  };
  // Entries are sorted with parents first, so walking backwards finishes every
  // directory's children before the directory itself.
  let top: Oid | undefined;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    if (entry.kind === 'file') {
      childrenOf(parentOf(entry.path)).push({ mode: entry.mode & 0o100 ? '100755' : '100644', name: baseName(entry.path), oid: entry.oid });
    } else if (entry.kind === 'symlink') {
      childrenOf(parentOf(entry.path)).push({ mode: '120000', name: baseName(entry.path), oid: entry.oid });
    } else if (entry.kind === 'dir') {
      const list = children.get(entry.path) ?? [];
      children.delete(entry.path);
      if (entry.path === TOP) {
        top = writeObject(repo, 'tree', serializeTree(list));
      } else if (list.length > 0) {
        // Empty directories live in the meta record only, as git cannot check them out.
        childrenOf(parentOf(entry.path)).push({ mode: '40000', name: baseName(entry.path), oid: writeObject(repo, 'tree', serializeTree(list)) });
      }
    }
  }
  return top ?? writeObject(repo, 'tree', serializeTree([]));
}

export interface SnapshotExtras {
  /** Which artifact provided which path (see model/manifest). */
  manifest?: string;
  /** For an imported artifact: its description. */
  artifact?: string;
}

/** Writes files tree + meta record (+ extras) and returns the commit's top tree. */
export function writeSnapshot(repo: Repository, entries: readonly FsEntry[], extras: SnapshotExtras = {}): Oid {
  const meta = serializeMeta(entries);
  const fingerprint = filesTreeFingerprint(meta, entries);
  let filesTree = readFilesTreeMemo(repo, fingerprint);
  if (filesTree === null) {
    filesTree = writeFilesTree(repo, entries);
    writeFilesTreeMemo(repo, fingerprint, filesTree);
  }
  const top: GitTreeEntry[] = [
    { mode: '40000', name: FILES_ENTRY, oid: filesTree },
    { mode: '100644', name: META_ENTRY, oid: writeObject(repo, 'blob', Buffer.from(meta)) },
  ];
  if (extras.manifest !== undefined) {
    top.push({ mode: '100644', name: MANIFEST_ENTRY, oid: writeObject(repo, 'blob', Buffer.from(extras.manifest)) });
  }
  if (extras.artifact !== undefined) {
    top.push({ mode: '100644', name: ARTIFACT_ENTRY, oid: writeObject(repo, 'blob', Buffer.from(extras.artifact)) });
  }
  const tree = writeObject(repo, 'tree', serializeTree(top));
  // Its entry cache now, as the first read would make it (from the meta record just written):
  // composing the 312 artifacts of bench/store.sh read each of theirs the slow way (walking
  // files/) once, and took 0.85-1.34 s instead of 0.66-1.02 s (same run).
  if (!hasSnapshotEntryCache(repo, tree)) writeSnapshotEntryCache(repo, tree, withBlobIds(parseMeta(meta), entries));
  return tree;
}

/** Parsed meta lines, completed with the blob ids the entries carry. */
function withBlobIds(lines: MetaLine[], entries: readonly FsEntry[]): FsEntry[] {
  const oids = new Map<string, Oid>();
  for (const entry of entries) if (entry.kind === 'file' || entry.kind === 'symlink') oids.set(entry.path, entry.oid);
  for (const line of lines) if (line.kind === 'file' || line.kind === 'symlink') (line as Extract<FsEntry, { kind: 'file' | 'symlink' }>).oid = oids.get(line.path)!;
  return lines as FsEntry[];
}
