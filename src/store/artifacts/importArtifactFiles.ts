import { openArtifactIndex } from './artifactIndex.js';
import { importArtifact, type ImportedArtifact } from './importArtifact.js';
import type { Repository } from '../repository/repository.js';
import type { ProgressCallback } from '../blobs/storeFilesInParallel.js';
import { withRepoWrite } from '../repository/withRepoWrite.js';

/** Imports artifact tarballs, each once, under one lock and one ref transaction. */
export async function importArtifactFiles(repo: Repository, files: readonly string[], onProgress?: ProgressCallback): Promise<ImportedArtifact[]> {
  return withRepoWrite(repo, async (refs) => {
    const out: ImportedArtifact[] = [];
    const index = openArtifactIndex(repo);
    try {
      for (const [i, file] of files.entries()) {
        onProgress?.('importing', i, files.length);
        out.push(await importArtifact(repo, file, { index, refs }));
      }
    } finally {
      index.save();
    }
    onProgress?.('importing', files.length, files.length);
    return out;
  });
}
