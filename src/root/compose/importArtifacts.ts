import type { ImportedArtifact } from '../../store/artifacts/importArtifact.js';
import { importArtifactFiles } from '../../store/artifacts/importArtifactFiles.js';
import { openRepository } from '../../store/repository/repository.js';
import type { ProgressCallback } from '../../store/blobs/storeFilesInParallel.js';

/** `hacktree artifact import FILE...`: each tarball into the store once, under one lock. */
export async function importArtifacts(options: { repoDir: string; files: string[]; onProgress?: ProgressCallback }): Promise<ImportedArtifact[]> {
  return importArtifactFiles(openRepository(options.repoDir), options.files, options.onProgress);
}
