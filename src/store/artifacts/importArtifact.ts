import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parseArtifactName } from '../../model/artifact/artifactName.js';
import type { ArtifactRecord } from '../../model/artifact/artifactRecordSchema.js';
import type { Oid } from '../../model/git/oid.js';
import type { ArtifactIndex } from './artifactIndex.js';
import type { RefTransaction } from '../refs/refTransaction.js';
import { readRef } from '../refs/refs.js';
import type { Repository } from '../repository/repository.js';
import { snapshotTarball } from '../tarball/snapshotTarball.js';
import { statInputFile } from '../blobs/statInputFile.js';
import type { ProgressCallback } from '../blobs/storeFilesInParallel.js';
import { writeCommit } from '../objects/writeCommit.js';
import { writeSnapshot } from '../snapshot/writeSnapshot.js';

export const ARTIFACT_REF_PREFIX = 'refs/hacktree/artifacts/';

export interface ImportedArtifact {
  fileName: string;
  sha256: string;
  size: number;
  ref: string;
  commit: Oid;
  /** False when the same tarball (by sha256) had been imported before: nothing was done. */
  imported: boolean;
}

export type { ArtifactRecord } from '../../model/artifact/artifactRecordSchema.js';

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Imports an artifact tarball once: its tree is recorded under refs/hacktree/artifacts/<sha256>
 * (a commit, so native git keeps it reachable), through the caller's ref transaction. The
 * caller holds the repository lock.
 */
export async function importArtifact(
  repo: Repository,
  file: string,
  options: { index?: ArtifactIndex; refs: RefTransaction; onProgress?: ProgressCallback },
): Promise<ImportedArtifact> {
  const fileName = basename(file);
  parseArtifactName(fileName);
  const { size } = statInputFile(file, 'artifact');
  let sha256 = options.index?.lookup(file);
  if (sha256 === undefined) {
    sha256 = await sha256OfFile(file);
    options.index?.remember(file, sha256);
  }
  const ref = `${ARTIFACT_REF_PREFIX}${sha256}`;
  const existing = options.refs.pending(ref) ?? (await readRef(repo, ref));
  if (existing) return { fileName, sha256, size, ref, commit: existing, imported: false };
  const entries = await snapshotTarball(repo, file, options.onProgress);
  const record: ArtifactRecord = { fileName, sha256, size };
  const tree = writeSnapshot(repo, entries, { artifact: `${JSON.stringify(record, null, 2)}\n` });
  const commit = writeCommit(repo, { tree, parents: [], message: `Import artifact ${fileName}\n\nsha256: ${sha256}\n` });
  options.refs.set(ref, commit, null);
  return { fileName, sha256, size, ref, commit, imported: true };
}
