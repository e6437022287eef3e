import { HacktreeError } from '../../errors/HacktreeError.js';
import { parseArtifactName } from '../../model/artifact/artifactName.js';
import { formatLocalRecord, parseLocalRecord, type LocalArtifactRecord, type LocalRecord } from '../../model/artifact/localRecord.js';
import { parseManifest, serializeManifest } from '../../model/snapshot/manifest.js';
import type { Oid } from '../../model/git/oid.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { replaceComponents, type ReplacedTree } from '../../model/artifact/replaceComponents.js';
import type { RepoPath } from '../../model/snapshot/repoPath.js';
import { ARTIFACT_REF_PREFIX } from '../../store/artifacts/importArtifact.js';
import { readCommit } from '../../store/objects/readCommit.js';
import { readSnapshot } from '../../store/snapshot/readSnapshot.js';
import type { RefTransaction } from '../../store/refs/refTransaction.js';
import { readRef } from '../../store/refs/refs.js';
import type { Repository } from '../../store/repository/repository.js';
import { writeCommit } from '../../store/objects/writeCommit.js';
import { writeSnapshotOver } from '../../store/snapshot/writeSnapshot.js';

export function masterRef(name: string): string {
  return `refs/heads/root-${name}`;
}

export function localRef(name: string): string {
  return `refs/heads/local/root-${name}`;
}

/** NAME-KIND of an artifact file name: the component a local artifact replaces. */
export function componentOf(fileName: string): string {
  const a = parseArtifactName(fileName);
  return `${a.name}-${a.kind}`;
}

/** The master tip of root NAME; REF_NOT_FOUND naming the root when there is none. */
export async function readMasterTip(repo: Repository, name: string): Promise<Oid> {
  const tip = await readRef(repo, masterRef(name));
  if (!tip) {
    throw new HacktreeError('REF_NOT_FOUND', `no root named "${name}" (no branch root-${name}) in ${repo.dir}`, {
      hint: 'list roots with "hacktree root list"; compose one with "hacktree root compose NAME"',
      data: { root: name },
    });
  }
  return tip;
}

/**
 * The local record in effect at a local branch's tip: the newest first-parent commit whose
 * message carries one (commits made on top by config.d carry none).
 */
export async function findLocalRecord(repo: Repository, tip: Oid): Promise<LocalRecord | null> {
  let oid: Oid | undefined = tip;
  for (let depth = 0; oid !== undefined && depth < 10_000; depth++) {
    const commit = await readCommit(repo, oid);
    const record = parseLocalRecord(commit.message);
    if (record !== null) return record;
    oid = commit.parents[0];
  }
  return null;
}

/** The tree of an imported artifact, by sha256; ARTIFACT_NOT_FOUND when its ref is gone. */
async function readImportedArtifact(repo: Repository, artifact: LocalArtifactRecord, refs: RefTransaction) {
  const ref = `${ARTIFACT_REF_PREFIX}${artifact.sha256}`;
  const commit = refs.pending(ref) ?? (await readRef(repo, ref));
  if (!commit) {
    throw new HacktreeError('ARTIFACT_NOT_FOUND', `local artifact ${artifact.fileName} (sha256 ${artifact.sha256}) is not in the store`, {
      hint: 'import it again with "hacktree artifact import FILE", or "hacktree root reset NAME" to drop the local branch',
      data: { artifact: artifact.fileName, sha256: artifact.sha256 },
    });
  }
  return readSnapshot(repo, commit);
}

/** A base commit's tree with local artifacts applied, and the base's snapshot, which commitLocal writes it over. */
export interface LocalTree extends ReplacedTree {
  base: { tree: Oid; entries: readonly FsEntry[] };
}

/** A base commit's tree with local artifacts applied in order (nothing written). */
export async function applyLocalArtifacts(
  repo: Repository,
  base: Oid,
  artifacts: readonly LocalArtifactRecord[],
  refs: RefTransaction,
): Promise<LocalTree> {
  const snapshot = await readSnapshot(repo, base);
  const providers = snapshot.manifest === undefined ? new Map<string, string>() : parseManifest(snapshot.manifest);
  const layers = [];
  for (const artifact of artifacts) {
    layers.push({ fileName: artifact.fileName, entries: (await readImportedArtifact(repo, artifact, refs)).entries });
  }
  return { ...replaceComponents({ entries: snapshot.entries, providers }, layers), base: { tree: snapshot.tree, entries: snapshot.entries } };
}

/**
 * Writes a commit on local/root-NAME with `parent` as its only parent (never a merge) and queues
 * the branch's move. Returns null when the tree and record equal the parent's: nothing to do.
 */
export async function commitLocal(
  repo: Repository,
  options: { name: string; parent: Oid; expected: Oid | null; tree: LocalTree; record: LocalRecord; subject: string; refs: RefTransaction },
): Promise<Oid | null> {
  const manifest = serializeManifest(options.tree.providers as Map<RepoPath, string>);
  // Only the trees along the replaced paths are written: a root's other trees keep their ids.
  const treeOid = await writeSnapshotOver(repo, options.tree.base, options.tree.entries, { manifest });
  const parent = await readCommit(repo, options.parent);
  const recordText = formatLocalRecord(options.record);
  if (parent.tree === treeOid && formatLocalRecord(parseLocalRecord(parent.message) ?? { base: options.parent, artifacts: [] }) === recordText) return null;
  const notes = [
    ...options.tree.replaced.map((a) => `replaces: ${a}`),
    ...options.tree.droppedDevel.map((d) => `drops: ${d.artifact} (${d.reason})`),
  ];
  const message = `${options.subject}\n\n${notes.length > 0 ? `${notes.join('\n')}\n\n` : ''}${recordText}`;
  const commit = writeCommit(repo, { tree: treeOid, parents: [options.parent], message });
  options.refs.set(localRef(options.name), commit, options.expected);
  return commit;
}
