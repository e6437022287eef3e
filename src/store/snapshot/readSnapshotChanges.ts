import { FILES_ENTRY, META_ENTRY } from '../../model/git/commitLayout.js';
import { diffMetaRecords, selectMetaLines } from '../../model/snapshot/diffMetaRecords.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { parseTree, type GitTreeEntry } from '../../model/git/gitTree.js';
import { parseMeta } from '../../model/snapshot/metaRecord.js';
import type { Oid } from '../../model/git/oid.js';
import { overlayBlocker } from '../../model/snapshot/overlayLayer.js';
import { joinRepoPath, parentOf, TOP, type RepoPath } from '../../model/snapshot/repoPath.js';
import { readObjectOfType } from '../objects/objectStore.js';
import type { Repository } from '../repository/repository.js';
import { notSnapshot, topTreeOf } from './readSnapshot.js';

/** What differs between two snapshots, read without reading either whole. */
export interface SnapshotChanges {
  /**
   * Each side's entries (object ids included) at every path that differs, and at every directory
   * above one: what overlayLayerOf needs to tell the layer that turns `before` into `after`.
   */
  before: FsEntry[];
  after: FsEntry[];
  /** How many entries `after` has in all. */
  afterEntries: number;
  /** Why overlayfs cannot show one of the two trees as it is (see overlayBlocker), or null. */
  overlayBlocker: string | null;
}

interface SnapshotSide {
  files: Oid;
  meta: string;
  /** Parsed trees of this side, by id, entries by name: each is read once. */
  trees: Map<Oid, Map<string, GitTreeEntry>>;
}

/**
 * The changes from one snapshot to another: the meta records are compared line by line, and the
 * files trees are walked only where their subtree ids differ (content changes of the same size
 * show nowhere else); only the lines at those paths are parsed. The cost follows the change,
 * apart from splitting two meta records into lines.
 */
export async function readSnapshotChanges(repo: Repository, beforeCommit: Oid, afterCommit: Oid): Promise<SnapshotChanges> {
  const before = await readSide(repo, beforeCommit);
  const after = await readSide(repo, afterCommit);
  const { changed, entries } = diffMetaRecords(before.meta, after.meta);
  const paths = new Set<string>([TOP]);
  const add = (path: RepoPath) => {
    for (let p = path; !paths.has(p); p = parentOf(p)) paths.add(p);
  };
  for (const path of changed) add(path);
  for (const path of await changedBlobs(repo, before, after, TOP)) add(path);
  return {
    before: await entriesAt(repo, before, paths),
    after: await entriesAt(repo, after, paths),
    afterEntries: entries,
    overlayBlocker: overlayBlocker(before.meta) ?? overlayBlocker(after.meta),
  };
}

async function readSide(repo: Repository, commit: Oid): Promise<SnapshotSide> {
  const tree = await topTreeOf(repo, commit);
  const top = parseTree(await readObjectOfType(repo, tree, 'tree'), tree);
  const files = top.find((e) => e.name === FILES_ENTRY && e.mode === '40000');
  const meta = top.find((e) => e.name === META_ENTRY);
  if (files === undefined || meta === undefined) throw notSnapshot(tree, 'it has no files/ tree and meta record');
  return { files: files.oid, meta: (await readObjectOfType(repo, meta.oid, 'blob')).toString('utf8'), trees: new Map() };
}

async function readTree(repo: Repository, side: SnapshotSide, oid: Oid): Promise<Map<string, GitTreeEntry>> {
  let entries = side.trees.get(oid);
  if (entries === undefined) {
    entries = new Map(parseTree(await readObjectOfType(repo, oid, 'tree'), oid).map((e) => [e.name, e]));
    side.trees.set(oid, entries);
  }
  return entries;
}

/** Paths that are a blob or symlink on both sides with another id or git mode, below `dir`. */
async function changedBlobs(repo: Repository, before: SnapshotSide, after: SnapshotSide, dir: RepoPath, oids = [before.files, after.files]): Promise<RepoPath[]> {
  const [beforeTree, afterTree] = oids as [Oid, Oid];
  if (beforeTree === afterTree) return [];
  const beforeEntries = await readTree(repo, before, beforeTree);
  const found: RepoPath[] = [];
  for (const entry of (await readTree(repo, after, afterTree)).values()) {
    const old = beforeEntries.get(entry.name);
    if (old === undefined || (old.oid === entry.oid && old.mode === entry.mode)) continue;
    const path = joinRepoPath(dir, entry.name);
    if (old.mode === '40000' && entry.mode === '40000') found.push(...(await changedBlobs(repo, before, after, path, [old.oid, entry.oid])));
    else if (old.mode !== '40000' && entry.mode !== '40000') found.push(path);
  }
  return found;
}

/** The side's entries at `paths`, with the object ids of files and symlinks. */
async function entriesAt(repo: Repository, side: SnapshotSide, paths: ReadonlySet<string>): Promise<FsEntry[]> {
  const lines = parseMeta(selectMetaLines(side.meta, paths));
  for (const line of lines) {
    if (line.kind !== 'file' && line.kind !== 'symlink') continue;
    (line as Extract<FsEntry, { kind: 'file' | 'symlink' }>).oid = await blobAt(repo, side, line.path);
  }
  return lines as FsEntry[];
}

async function blobAt(repo: Repository, side: SnapshotSide, path: RepoPath): Promise<Oid> {
  let tree = side.files;
  const names = path.split('/');
  for (const [i, name] of names.entries()) {
    const entry = (await readTree(repo, side, tree)).get(name);
    if (entry === undefined || (i < names.length - 1) !== (entry.mode === '40000')) break;
    if (i === names.length - 1) return entry.oid;
    tree = entry.oid;
  }
  throw notSnapshot(side.files, `the meta record lists ${path} but files/ does not hold it`);
}
