import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { hashObject } from '../../model/git/gitObject.js';
import { parseTree, serializeTree, type GitTreeEntry } from '../../model/git/gitTree.js';
import { blobEntryOf, filesTreeChanges } from '../../model/snapshot/filesTreeChanges.js';
import { ARTIFACT_ENTRY, FILES_ENTRY, MANIFEST_ENTRY, META_ENTRY } from '../../model/git/commitLayout.js';
import { formatMetaLine, META_HEADER, serializeMeta } from '../../model/snapshot/metaRecord.js';
import type { Oid } from '../../model/git/oid.js';
import { baseName, compareRepoPaths, parentOf, TOP } from '../../model/snapshot/repoPath.js';
import { filesTreeFingerprint, readFilesTreeMemo, writeFilesTreeMemo } from './filesTreeMemo.js';
import { readObjectOfType, writeObject } from '../objects/objectStore.js';
import { createPackWriter } from '../objects/packWriter.js';
import type { Repository } from '../repository/repository.js';
import { hasSnapshotEntryCache, writeSnapshotEntryCache, writeSnapshotEntryCacheOver } from './snapshotEntryCache.js';
import { piecesOver } from '../../model/snapshot/piecesOver.js';
import { notSnapshot } from './readSnapshot.js';
import { writeFilesTreeChanges } from './writeFilesTreeChanges.js';

/**
 * From this many directories on, a snapshot's subtrees go into one pack rather than loose
 * objects, each one a file (an inode, a rename): docs/decisions/0004-packs-for-commits.md.
 * The files/ tree itself stays loose (see filesTreeMemo), written after the pack is in place,
 * so that a files/ tree that exists always names subtrees that do.
 */
const PACK_MIN_TREES = 100;

/** Writes the git trees for a snapshot's files (blobs must be stored already); returns the top tree. */
export function writeFilesTree(repo: Repository, entries: readonly FsEntry[]): Oid {
  const children = new Map<string, GitTreeEntry[]>();
  const childrenOf = (dir: string): GitTreeEntry[] => {
    let list = children.get(dir);
    if (!list) children.set(dir, (list = []));
    return list;
  };
  let dirs = 0;
  for (const entry of entries) if (entry.kind === 'dir') dirs++;
  const pack = dirs >= PACK_MIN_TREES ? createPackWriter(repo) : undefined;
  const writeTree = (list: GitTreeEntry[]): Oid => {
    const body = serializeTree(list);
    if (!pack) return writeObject(repo, 'tree', body);
    const oid = hashObject('tree', body);
    pack.add(oid, 'tree', body);
    return oid;
  };
  // Entries are sorted with parents first, so walking backwards finishes every
  // directory's children before the directory itself.
  let top: GitTreeEntry[] = [];
  try {
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]!;
      if (entry.kind === 'file' || entry.kind === 'symlink') {
        childrenOf(parentOf(entry.path)).push({ ...blobEntryOf(entry)!, name: baseName(entry.path) });
      } else if (entry.kind === 'dir') {
        const list = children.get(entry.path) ?? [];
        children.delete(entry.path);
        if (entry.path === TOP) {
          top = list;
        } else if (list.length > 0) {
          // Empty directories live in the meta record only, as git cannot check them out.
          childrenOf(parentOf(entry.path)).push({ mode: '40000', name: baseName(entry.path), oid: writeTree(list) });
        }
      }
    }
    pack?.finish();
  } catch (err) {
    pack?.abort();
    throw err;
  }
  return writeObject(repo, 'tree', serializeTree(top));
}

export interface SnapshotExtras {
  /** Which artifact provided which path (see model/manifest). */
  manifest?: string;
  /** For an imported artifact: its description. */
  artifact?: string;
}

/** Writes files tree + meta record (+ extras) and returns the commit's top tree. */
export function writeSnapshot(repo: Repository, given: readonly FsEntry[], extras: SnapshotExtras = {}): Oid {
  // In the meta record's order (in which they mostly come: sorting them then takes one pass).
  const entries = [...given].sort((a, b) => compareRepoPaths(a.path, b.path));
  const meta = serializeMeta(entries);
  const fingerprint = filesTreeFingerprint(meta, entries);
  let filesTree = readFilesTreeMemo(repo, fingerprint);
  if (filesTree === null) {
    filesTree = writeFilesTree(repo, entries);
    writeFilesTreeMemo(repo, fingerprint, filesTree);
  }
  return writeSnapshotTop(repo, { filesTree, meta, entries, extras });
}

/**
 * Writes a snapshot of `given` over `base`, a snapshot in the store whose entries are
 * `base.entries` (as readSnapshot gave them): the same top tree as writeSnapshot, but files/ is
 * made by rewriting only the trees along the paths that differ (writeFilesTreeChanges), where
 * writeSnapshot hashes every tree of the root (docs/decisions/0016-incremental-local-commits.md).
 */
export async function writeSnapshotOver(
  repo: Repository,
  base: { tree: Oid; entries: readonly FsEntry[] },
  given: readonly FsEntry[],
  extras: SnapshotExtras = {},
): Promise<Oid> {
  const entries = [...given].sort((a, b) => compareRepoPaths(a.path, b.path));
  const top = parseTree(await readObjectOfType(repo, base.tree, 'tree'), base.tree);
  const files = top.find((e) => e.name === FILES_ENTRY && e.mode === '40000');
  const baseMeta = top.find((e) => e.name === META_ENTRY);
  if (files === undefined || baseMeta === undefined) throw notSnapshot(base.tree, 'it has no files/ tree and meta record');
  const filesTree = await writeFilesTreeChanges(repo, files.oid, filesTreeChanges(base.entries, entries));
  const meta = metaOver((await readObjectOfType(repo, baseMeta.oid, 'blob')).toString('utf8'), base.entries, entries) ?? serializeMeta(entries);
  return writeSnapshotTop(repo, { filesTree, meta, entries, extras, over: base });
}

/**
 * The meta record of `entries` made from the base's (`text`, one line per base entry after the
 * header): its lines copied for the runs of entries left alone; null when it does not have a
 * line per base entry.
 */
function metaOver(text: string, base: readonly FsEntry[], entries: readonly FsEntry[]): string | null {
  if (!text.startsWith(`${META_HEADER}\n`) || !text.endsWith('\n')) return null;
  // Where each base entry's line starts, and the end of the text.
  const starts: number[] = [];
  for (let at = META_HEADER.length; at < text.length - 1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  if (starts.length !== base.length) return null;
  starts.push(text.length);
  let meta = `${META_HEADER}\n`;
  for (const piece of piecesOver(base, entries)) meta += 'entry' in piece ? `${formatMetaLine(piece.entry)}\n` : text.slice(starts[piece.from], starts[piece.to + 1]);
  return meta;
}

/** The top tree over a written files/ tree: the meta record, the extras, and its entry cache (made over the base's, if any). */
function writeSnapshotTop(
  repo: Repository,
  snapshot: { filesTree: Oid; meta: string; entries: readonly FsEntry[]; extras: SnapshotExtras; over?: { tree: Oid; entries: readonly FsEntry[] } },
): Oid {
  const { filesTree, meta, entries, extras } = snapshot;
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
  // Its entry cache now, as the first read would make it, so that no snapshot is read the slow
  // way (walking files/) even once: docs/decisions/0011-derived-caches.md. From the entries
  // themselves: the meta record was just made from them and parses back to the same values
  // (fsck compares the two).
  if (!hasSnapshotEntryCache(repo, tree)) {
    if (snapshot.over === undefined) writeSnapshotEntryCache(repo, tree, entries);
    else writeSnapshotEntryCacheOver(repo, tree, entries, snapshot.over);
  }
  return tree;
}
