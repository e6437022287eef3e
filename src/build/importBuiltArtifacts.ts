import type { Oid } from '../model/oid.js';
import { openArtifactIndex } from '../store/artifactIndex.js';
import { importArtifact } from '../store/importArtifact.js';
import { readCommit } from '../store/readCommit.js';
import type { Repository } from '../store/repository.js';
import { withRepoWrite } from '../store/withRepoWrite.js';

/**
 * Imports artifacts into the store (a no-op for those already there) and returns each one's
 * tree, the layer a build root is composed from.
 */
export async function importBuiltArtifacts(repo: Repository, files: string[]): Promise<Array<{ file: string; commit: Oid; tree: Oid }>> {
  if (files.length === 0) return [];
  const imported = await withRepoWrite(repo, async (refs) => {
    const index = openArtifactIndex(repo);
    try {
      const out = [];
      for (const file of files) out.push({ file, commit: (await importArtifact(repo, file, { index, refs })).commit });
      return out;
    } finally {
      index.save();
    }
  });
  return Promise.all(imported.map(async (a) => ({ ...a, tree: (await readCommit(repo, a.commit)).tree })));
}
