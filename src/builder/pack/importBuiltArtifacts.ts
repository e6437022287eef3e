import type { Oid } from '../../model/git/oid.js';
import { importArtifactFiles } from '../../store/artifacts/importArtifactFiles.js';
import { readCommit } from '../../store/objects/readCommit.js';
import type { Repository } from '../../store/repository/repository.js';

/**
 * Imports artifacts into the store (a no-op for those already there) and returns each one's
 * tree, the layer a build root is composed from.
 */
export async function importBuiltArtifacts(repo: Repository, files: string[]): Promise<Array<{ file: string; commit: Oid; tree: Oid }>> {
  if (files.length === 0) return [];
  const imported = await importArtifactFiles(repo, files);
  return Promise.all(imported.map(async (a, i) => ({ file: files[i]!, commit: a.commit, tree: (await readCommit(repo, a.commit)).tree })));
}
