import { openArtifactIndex } from '../store/artifactIndex.js';
import { importArtifact, type ImportedArtifact } from '../store/importArtifact.js';
import { withRepoWrite } from '../store/withRepoWrite.js';
import { openRepository } from '../store/repository.js';
import type { ProgressCallback } from '../store/storeFilesInParallel.js';

/** `hacktree artifact import FILE...`: each tarball into the store once, under one lock. */
export async function importArtifacts(options: { repoDir: string; files: string[]; onProgress?: ProgressCallback }): Promise<ImportedArtifact[]> {
  const repo = openRepository(options.repoDir);
  return withRepoWrite(repo, async (refs) => {
    const out: ImportedArtifact[] = [];
    const index = openArtifactIndex(repo);
    try {
      for (const [i, file] of options.files.entries()) {
        options.onProgress?.('importing', i, options.files.length);
        out.push(await importArtifact(repo, file, { index, refs }));
      }
    } finally {
      index.save();
    }
    options.onProgress?.('importing', options.files.length, options.files.length);
    return out;
  });
}
