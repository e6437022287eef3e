import type { FilesTreeChange } from '../../model/snapshot/filesTreeChanges.js';
import { parseTree, serializeTree, type GitTreeEntry } from '../../model/git/gitTree.js';
import type { Oid } from '../../model/git/oid.js';
import { baseName, parentOf, TOP, type RepoPath } from '../../model/snapshot/repoPath.js';
import { readObjectOfType, writeObject } from '../objects/objectStore.js';
import type { Repository } from '../repository/repository.js';

/**
 * Writes the files/ tree that `changes` make of `base` (a files/ tree in the store), reading and
 * writing only the trees along the changed paths: every other subtree keeps its id, so the cost
 * follows the change, not the tree (docs/decisions/0016-incremental-local-commits.md). The
 * result is the tree writeFilesTree makes of the changed entries: a directory with no blob left
 * beneath it goes (empty directories live in the meta record only). New trees are loose
 * objects, each written before the tree that names it.
 */
export async function writeFilesTreeChanges(repo: Repository, base: Oid, changes: readonly FilesTreeChange[]): Promise<Oid> {
  if (changes.length === 0) return base;
  // Each directory that holds a change, or a directory holding one, below it: by parent.
  const byDir = new Map<string, { blobs: FilesTreeChange[]; dirs: Set<string> }>();
  const at = (dir: string) => {
    let found = byDir.get(dir);
    if (found === undefined) byDir.set(dir, (found = { blobs: [], dirs: new Set() }));
    return found;
  };
  for (const change of changes) {
    at(parentOf(change.path)).blobs.push(change);
    for (let dir = parentOf(change.path); dir !== TOP; dir = parentOf(dir)) {
      const parent = at(parentOf(dir));
      if (parent.dirs.has(dir)) break;
      parent.dirs.add(dir);
    }
  }
  return (await rewrite(repo, TOP, base, byDir)) ?? writeObject(repo, 'tree', serializeTree([]));
}

/** The new tree of `dir` (its old one `tree`, if it had one), or null when nothing is left in it; the top is always written. */
async function rewrite(
  repo: Repository,
  dir: RepoPath,
  tree: Oid | undefined,
  byDir: ReadonlyMap<string, { blobs: FilesTreeChange[]; dirs: Set<string> }>,
): Promise<Oid | null> {
  const entries = new Map<string, GitTreeEntry>();
  if (tree !== undefined) for (const entry of parseTree(await readObjectOfType(repo, tree, 'tree'), tree)) entries.set(entry.name, entry);
  const old = new Map(entries);
  const here = byDir.get(dir)!;
  // A blob that replaces a directory is set here, and the directory's emptied subtree below
  // must not remove it; a directory that replaces a blob comes after the blob's removal.
  for (const change of here.blobs) {
    const name = baseName(change.path);
    if (change.entry !== null) entries.set(name, { ...change.entry, name });
    else if (entries.get(name)?.mode !== '40000') entries.delete(name);
  }
  for (const sub of here.dirs) {
    const name = baseName(sub as RepoPath);
    const before = old.get(name);
    const written = await rewrite(repo, sub as RepoPath, before?.mode === '40000' ? before.oid : undefined, byDir);
    if (written !== null) entries.set(name, { mode: '40000', name, oid: written });
    else if (entries.get(name)?.mode === '40000') entries.delete(name);
  }
  if (entries.size === 0 && dir !== TOP) return null;
  return writeObject(repo, 'tree', serializeTree([...entries.values()]));
}
