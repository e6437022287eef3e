import { existsSync, rmSync } from 'node:fs';
import { isHacktreeError } from '../../errors/HacktreeError.js';
import { FILES_ENTRY, META_ENTRY } from '../../model/git/commitLayout.js';
import type { FsckProblem } from '../../model/git/fsckProblem.js';
import { parseCommit } from '../../model/git/gitCommit.js';
import { metaBlobMismatch } from '../../model/snapshot/metaBlobMismatch.js';
import type { GitObjectType } from '../../model/git/gitObject.js';
import { parseTree } from '../../model/git/gitTree.js';
import type { Oid } from '../../model/git/oid.js';
import { looseObjectPath, readObject } from '../objects/objectStore.js';
import { describeDamagedRef } from '../refs/damagedRef.js';
import { readSnapshot, type StoredSnapshot } from '../snapshot/readSnapshot.js';
import type { Repository } from '../repository/repository.js';
import { scanRefs } from '../refs/scanRefs.js';
import { readShallowCommits } from '../objects/shallowCommits.js';
import { checkSnapshotEntryCache, snapshotEntryCachePath } from '../snapshot/snapshotEntryCache.js';
import { INCOMING_REF_PREFIX } from '../refs/incomingRefs.js';
import type { ProgressCallback } from '../blobs/storeFilesInParallel.js';

export interface ReachableReport {
  refs: number;
  commits: number;
  trees: number;
  blobs: number;
  problems: FsckProblem[];
}

export interface ReachableOptions {
  /** Objects (loose or packed) already reported corrupt: not reported again when a ref reaches them. */
  corrupt: ReadonlySet<Oid>;
  /** The sizes of the sound loose blobs (the loose pass read them): meta records are checked against them. */
  looseBlobSizes: ReadonlyMap<Oid, number>;
  /** Called with each ref tip's snapshot once it has been found sound. */
  onTipSnapshot?: (ref: string, snapshot: StoredSnapshot) => Promise<void>;
  /** Remove a damaged entry cache file (the next read makes it again). */
  repair?: boolean;
  onProgress?: ProgressCallback;
}

/**
 * Reports every ref that cannot be read, and walks every other ref: commits (all parents, none past a shallow commit), trees, blobs. Reports what is missing or corrupt, and
 * checks each commit's snapshot: its meta record parses, files/ holds exactly what it lists,
 * with the modes it derives, and each line agrees with its blob (a file's size, a symlink's target).
 */
export async function verifyReachable(repo: Repository, options: ReachableOptions): Promise<ReachableReport> {
  const report: ReachableReport = { refs: 0, commits: 0, trees: 0, blobs: 0, problems: [] };
  // Commits and blobs visited; trees with whether everything under them was sound.
  const seen = new Set<Oid>();
  const soundTrees = new Map<Oid, boolean>();
  const reported = new Set<Oid>(options.corrupt);
  const packedBlobSizes = new Map<Oid, number>();
  const reportedLines = new Set<string>();
  // A shallow repository (pull --depth, prune) lacks the parents of these commits, as git's fsck knows.
  const shallow = readShallowCommits(repo);

  const problem = (kind: FsckProblem['kind'], oid: Oid, detail: string): void => {
    if (reported.has(oid)) return;
    reported.add(oid);
    report.problems.push({ kind, path: looseObjectPath(repo, oid), oid, detail });
  };

  /** Reads an object a ref needs; null (with the problem recorded) when it cannot be had. */
  const load = async (oid: Oid, type: GitObjectType, context: string): Promise<Buffer | null> => {
    try {
      const object = await readObject(repo, oid);
      if (object.type === type) return object.body;
      problem('object-corrupt', oid, `${context}: expected a ${type}, found a ${object.type}`);
    } catch (err) {
      if (isHacktreeError(err, 'OBJECT_MISSING')) problem('object-missing', oid, `${context}: ${type} ${oid} is missing`);
      else if (isHacktreeError(err, 'OBJECT_CORRUPT')) problem('object-corrupt', oid, `${context}: ${err.message}`);
      else throw err;
    }
    return null;
  };

  /** Walks a tree; false when something under it is missing or corrupt. */
  const walkTree = async (tree: Oid, context: string): Promise<boolean> => {
    const known = soundTrees.get(tree);
    if (known !== undefined) return known;
    report.trees++;
    const sound = await walkTreeOnce(tree, context);
    soundTrees.set(tree, sound);
    return sound;
  };

  const walkTreeOnce = async (tree: Oid, context: string): Promise<boolean> => {
    const body = await load(tree, 'tree', context);
    if (body === null) return false;
    let entries;
    try {
      entries = parseTree(body, tree);
    } catch (err) {
      if (!isHacktreeError(err, 'OBJECT_CORRUPT')) throw err;
      problem('object-corrupt', tree, `${context}: ${err.message}`);
      return false;
    }
    let sound = true;
    for (const entry of entries) {
      if (entry.mode === '40000') sound = (await walkTree(entry.oid, context)) && sound;
      else sound = (await checkBlob(entry.oid, context)) && sound;
    }
    return sound;
  };

  const checkBlob = async (oid: Oid, context: string): Promise<boolean> => {
    if (seen.has(oid)) return !reported.has(oid);
    seen.add(oid);
    report.blobs++;
    if (options.corrupt.has(oid)) return false;
    // A loose blob's content was re-hashed by the loose pass; only packed ones are read here.
    if (existsSync(looseObjectPath(repo, oid))) return true;
    const body = await load(oid, 'blob', context);
    if (body === null) return false;
    packedBlobSizes.set(oid, body.length);
    return true;
  };

  /** Reports each meta line that disagrees with its blob; false when one does. */
  const checkLinesAgainstBlobs = (commit: Oid, ref: string, snapshot: StoredSnapshot): boolean => {
    let sound = true;
    for (const entry of snapshot.entries) {
      if (entry.kind !== 'file' && entry.kind !== 'symlink') continue;
      const mismatch = metaBlobMismatch(entry, options.looseBlobSizes.get(entry.oid) ?? packedBlobSizes.get(entry.oid));
      if (mismatch === null) continue;
      sound = false;
      const key = `${snapshot.tree} ${entry.path}`;
      if (reportedLines.has(key)) continue;
      reportedLines.add(key);
      report.problems.push({
        kind: 'snapshot-invalid',
        path: looseObjectPath(repo, snapshot.tree),
        oid: snapshot.tree,
        detail: `commit ${commit} (${ref}): the meta line of /${entry.path} disagrees with its blob ${entry.oid}: ${mismatch}`,
      });
    }
    return sound;
  };

  const checkSnapshot = async (commit: Oid, tree: Oid, ref: string, isTip: boolean): Promise<void> => {
    const top = parseTree((await readObject(repo, tree)).body, tree);
    if (!top.some((e) => e.name === FILES_ENTRY || e.name === META_ENTRY)) return;
    try {
      const snapshot = await readSnapshot(repo, tree, { verify: true });
      if (checkSnapshotEntryCache(repo, tree, snapshot.entries) === 'damaged') {
        const path = snapshotEntryCachePath(repo, tree);
        const found: FsckProblem = { kind: 'entry-cache-invalid', path, oid: tree, detail: `the entry cache of tree ${tree} (commit ${commit}, ${ref}) disagrees with its objects` };
        if (options.repair === true) {
          rmSync(path, { force: true });
          found.repaired = 'removed; the next read of the snapshot makes it again';
        }
        report.problems.push(found);
      }
      const agrees = checkLinesAgainstBlobs(commit, ref, snapshot);
      // A pull's quarantine ref is checked, but its raw objects come only when the pull moves the branch.
      if (agrees && isTip && !ref.startsWith(INCOMING_REF_PREFIX)) await options.onTipSnapshot?.(ref, snapshot);
    } catch (err) {
      if (!isHacktreeError(err) || !['OBJECT_CORRUPT', 'OBJECT_MISSING', 'META_INVALID', 'UNSAFE_PATH'].includes(err.code)) throw err;
      problem('snapshot-invalid', tree, `commit ${commit} (${ref}): ${err.message}`);
    }
  };

  const scan = scanRefs(repo, 'refs/');
  for (const damaged of scan.damaged) report.problems.push({ kind: 'ref-damaged', path: damaged.path, detail: describeDamagedRef(damaged) });
  for (const { ref, oid: tip } of scan.refs) {
    report.refs++;
    const pending: Oid[] = [tip];
    while (pending.length > 0) {
      const commit = pending.pop()!;
      const isTip = commit === tip;
      const firstVisit = !seen.has(commit);
      // A tip reached before from another ref is still looked at: its raw objects need checking.
      if (!firstVisit && !isTip) continue;
      seen.add(commit);
      if (firstVisit) report.commits++;
      const context = `reached from ${ref}`;
      const body = await load(commit, 'commit', context);
      if (body === null) continue;
      let parsed;
      try {
        parsed = parseCommit(body, commit);
      } catch (err) {
        if (!isHacktreeError(err, 'OBJECT_CORRUPT')) throw err;
        problem('object-corrupt', commit, `${context}: ${err.message}`);
        continue;
      }
      if (firstVisit && !shallow.has(commit)) pending.push(...parsed.parents);
      const treeSeen = soundTrees.has(parsed.tree);
      const sound = await walkTree(parsed.tree, `${context} via commit ${commit}`);
      // A snapshot already checked as another commit's is read again only for a tip's raw objects.
      if (sound && (!treeSeen || isTip)) await checkSnapshot(commit, parsed.tree, ref, isTip);
      if (report.commits % 64 === 0) options.onProgress?.('checking refs', report.commits, 0);
    }
  }
  return report;
}
