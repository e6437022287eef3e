import { HacktreeError } from '../../errors/HacktreeError.js';
import { parseArtifactName, type ArtifactName } from '../../model/artifact/artifactName.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import type { Oid } from '../../model/git/oid.js';
import { ARTIFACT_REF_PREFIX, type ArtifactRecord } from '../../store/artifacts/importArtifact.js';
import { readArtifactRecord } from '../../store/artifacts/readArtifactRecord.js';
import { readSnapshot } from '../../store/snapshot/readSnapshot.js';
import { listRefs } from '../../store/refs/refs.js';
import { openRepository, type Repository } from '../../store/repository/repository.js';

export interface StoredArtifact extends ArtifactRecord {
  commit: Oid;
  parsed: ArtifactName;
}

async function storedArtifacts(repo: Repository): Promise<Array<StoredArtifact & { entries: FsEntry[] }>> {
  const out: Array<StoredArtifact & { entries: FsEntry[] }> = [];
  for (const { ref, oid } of await listRefs(repo, ARTIFACT_REF_PREFIX)) {
    const snapshot = await readSnapshot(repo, oid);
    const record = readArtifactRecord({ ref, commit: oid, text: snapshot.artifact });
    out.push({ ...record, commit: oid, parsed: parseArtifactName(record.fileName), entries: snapshot.entries });
  }
  return out.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
}

/** `hacktree artifact list`: every imported artifact. */
export async function listArtifacts(options: { repoDir: string }): Promise<Array<StoredArtifact & { entries: number }>> {
  const repo = openRepository(options.repoDir);
  return (await storedArtifacts(repo)).map((a) => ({ ...a, entries: a.entries.length }));
}

/** `hacktree artifact show NAME`: one artifact by file name, sha256 (or a prefix of it), with its entries. */
export async function showArtifact(options: { repoDir: string; name: string }): Promise<StoredArtifact & { entries: FsEntry[] }> {
  const repo = openRepository(options.repoDir);
  const matches = (await storedArtifacts(repo)).filter(
    (a) => a.fileName === options.name || a.fileName === options.name.split('/').pop() || (options.name.length >= 8 && a.sha256.startsWith(options.name)),
  );
  if (matches.length !== 1) {
    throw new HacktreeError(matches.length === 0 ? 'ARTIFACT_NOT_FOUND' : 'USAGE', matches.length === 0
      ? `no imported artifact named ${options.name} in ${repo.dir}`
      : `${options.name} matches ${matches.length} artifacts`, {
      hint: 'list them with "hacktree artifact list"; give the file name or more digits of the sha256',
      data: { name: options.name },
    });
  }
  return matches[0]!;
}
