import { checkoutSnapshot, type CheckoutResult } from '../store/checkoutSnapshot.js';
import { readSnapshot } from '../store/readSnapshot.js';
import { resolveRevision } from '../store/refs.js';
import { openRepository } from '../store/repository.js';
import type { ProgressCallback } from '../store/storeFilesInParallel.js';

/** `hacktree checkout REF DEST`: the engine deployments use. */
export async function checkoutRevision(options: {
  repoDir: string;
  revision: string;
  dest: string;
  copy?: boolean;
  onProgress?: ProgressCallback;
}): Promise<CheckoutResult & { commit: string }> {
  const repo = openRepository(options.repoDir);
  const commit = await resolveRevision(repo, options.revision);
  const snapshot = await readSnapshot(repo, commit);
  const result = await checkoutSnapshot(repo, snapshot.entries, options.dest, { copy: options.copy, onProgress: options.onProgress });
  return { ...result, commit };
}
