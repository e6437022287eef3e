import { HacktreeError } from '../../errors/HacktreeError.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { ARTIFACT_ENTRY, FILES_ENTRY, MANIFEST_ENTRY, META_ENTRY } from '../../model/git/commitLayout.js';
import { parseCommit } from '../../model/git/gitCommit.js';
import { parseTree, type GitTreeMode } from '../../model/git/gitTree.js';
import { parseMeta, type MetaLine } from '../../model/snapshot/metaRecord.js';
import { formatOctalMode } from '../../model/snapshot/modeString.js';
import type { Oid } from '../../model/git/oid.js';
import { joinRepoPath, TOP, type RepoPath } from '../../model/snapshot/repoPath.js';
import { readLooseObject, readObject, readObjectOfType } from '../objects/objectStore.js';
import type { Repository } from '../repository/repository.js';
import { readSnapshotEntryCache, writeSnapshotEntryCache } from './snapshotEntryCache.js';
import { linkRecordsOf } from '../checkout/linkRecords.js';

export interface StoredSnapshot {
  /** The commit's top tree. */
  tree: Oid;
  entries: FsEntry[];
  /**
   * The entries' link records (linkRecordsOf), for checkoutSnapshot's `linkRecords`: with the
   * `linkRecords` option (not with `verify`), from the entry cache or made and kept there.
   */
  linkRecords?: Buffer;
  manifest?: string;
  artifact?: string;
}

/** The top tree of a commit, or the tree itself when given a tree. */
export async function topTreeOf(repo: Repository, oid: Oid): Promise<Oid> {
  const object = await readObject(repo, oid);
  if (object.type === 'tree') return oid;
  if (object.type === 'commit') return parseCommit(object.body, oid).tree;
  throw notSnapshot(oid, `it is a ${object.type}`);
}

/** Reads a hacktree snapshot (files tree + meta record) from a commit or its top tree. */
export async function readSnapshot(repo: Repository, commitOrTree: Oid, options: { verify?: boolean; linkRecords?: boolean } = {}): Promise<StoredSnapshot> {
  const tree = await topTreeOf(repo, commitOrTree);
  const top = parseTree(await readObjectOfType(repo, tree, 'tree'), tree);
  const find = (name: string) => top.find((e) => e.name === name);
  const files = find(FILES_ENTRY);
  const meta = find(META_ENTRY);
  if (!files || files.mode !== '40000' || !meta) throw notSnapshot(tree, 'it has no files/ tree and meta record');
  // fsck (verify) walks files/ itself: that files/ holds exactly what the meta record lists is one of its checks.
  const cached = options.verify === true ? null : readSnapshotEntryCache(repo, tree);
  let entries = cached?.entries ?? null;
  if (entries === null) {
    const lines = parseMeta((await readObjectOfType(repo, meta.oid, 'blob')).toString('utf8'));
    const oids = new Map<string, Oid>();
    const modes = options.verify === true ? new Map<string, GitTreeMode>() : undefined;
    await collectBlobs(repo, files.oid, TOP, oids, modes);
    for (const line of lines) {
      if (line.kind !== 'file' && line.kind !== 'symlink') continue;
      const oid = oids.get(line.path);
      if (!oid) throw notSnapshot(tree, `the meta record lists ${line.path} but files/ does not hold it`);
      if (modes) checkTreeMode(tree, line, modes.get(line.path)!);
      oids.delete(line.path);
      // Completed in place: a copy per entry showed in a checkout (docs/decisions/0010-per-entry-code.md).
      (line as Extract<FsEntry, { kind: 'file' | 'symlink' }>).oid = oid;
    }
    if (oids.size > 0) throw notSnapshot(tree, `files/ holds ${[...oids.keys()][0]} which the meta record does not list`);
    entries = lines as FsEntry[];
    // Not by fsck, which checks the file instead (checkSnapshotEntryCache).
    if (options.verify !== true && options.linkRecords !== true) writeSnapshotEntryCache(repo, tree, entries);
  }
  let linkRecords = cached?.linkRecords;
  if (options.linkRecords === true && options.verify !== true && !linkRecords) {
    // Made once, for the tree's first native checkout, and kept in the cache for the next.
    linkRecords = linkRecordsOf(entries);
    writeSnapshotEntryCache(repo, tree, entries, linkRecords);
  }
  const manifestEntry = find(MANIFEST_ENTRY);
  const artifactEntry = find(ARTIFACT_ENTRY);
  return {
    tree,
    entries,
    linkRecords,
    manifest: manifestEntry && (await readObjectOfType(repo, manifestEntry.oid, 'blob')).toString('utf8'),
    artifact: artifactEntry && (await readObjectOfType(repo, artifactEntry.oid, 'blob')).toString('utf8'),
  };
}

/** A snapshot's manifest (which artifact provided which path), without reading the rest. */
export async function readSnapshotManifest(repo: Repository, commitOrTree: Oid): Promise<string | undefined> {
  const tree = await topTreeOf(repo, commitOrTree);
  const manifest = parseTree(await readObjectOfType(repo, tree, 'tree'), tree).find((e) => e.name === MANIFEST_ENTRY);
  return manifest && (await readObjectOfType(repo, manifest.oid, 'blob')).toString('utf8');
}

/**
 * files/ gives each blob the mode writeSnapshot derives from its meta line: 120000 for a
 * symlink, 100755 for a file its owner may execute, else 100644. fsck checks that they agree.
 */
function checkTreeMode(tree: Oid, line: Extract<MetaLine, { kind: 'file' | 'symlink' }>, mode: GitTreeMode): void {
  const expected = line.kind === 'symlink' ? '120000' : line.mode & 0o100 ? '100755' : '100644';
  if (mode !== expected) throw notSnapshot(tree, `files/ holds ${line.path} with mode ${mode}, its meta line (a ${line.kind}, mode ${formatOctalMode(line.mode)}) gives ${expected}`);
}

/** Every blob under a tree by path (and its mode, into `modes`). Loose trees are read synchronously: one await per tree was most of the walk. */
async function collectBlobs(repo: Repository, top: Oid, topDir: RepoPath, out: Map<string, Oid>, modes?: Map<string, GitTreeMode>): Promise<void> {
  const pending: Array<[Oid, RepoPath]> = [[top, topDir]];
  while (pending.length > 0) {
    const [tree, dir] = pending.pop()!;
    const loose = readLooseObject(repo, tree);
    const body = loose?.type === 'tree' ? loose.body : await readObjectOfType(repo, tree, 'tree');
    for (const entry of parseTree(body, tree)) {
      const path = joinRepoPath(dir, entry.name);
      if (entry.mode === '40000') {
        pending.push([entry.oid, path]);
      } else {
        out.set(path, entry.oid);
        modes?.set(path, entry.mode);
      }
    }
  }
}

export function notSnapshot(oid: string, why: string): HacktreeError {
  return new HacktreeError('OBJECT_CORRUPT', `${oid} is not a valid hacktree snapshot: ${why}`, {
    hint: 'run "hacktree fsck"; if the ref was written by another tool, point hacktree at a hacktree commit',
    data: { oid },
  });
}
