import { checkoutSnapshot, type CheckoutResult } from '../../store/checkout/checkoutSnapshot.js';
import type { RawRepair } from '../../store/raw/ensureSoundRaw.js';
import { readSnapshot } from '../../store/snapshot/readSnapshot.js';
import { openRepository } from '../../store/repository/repository.js';
import type { ProgressCallback } from '../../store/blobs/storeFilesInParallel.js';
import { resolveRoot } from './resolveRoot.js';

/** `hacktree checkout REF DEST`: the engine deployments use. REF may name a root (root-REF). */
export async function checkoutRevision(options: {
  repoDir: string;
  revision: string;
  dest: string;
  copy?: boolean;
  onProgress?: ProgressCallback;
  onRawRepaired?: (repair: RawRepair) => void;
}): Promise<CheckoutResult & { commit: string }> {
  const repo = openRepository(options.repoDir);
  const { commit } = await resolveRoot(repo, options.revision);
  const snapshot = await readSnapshot(repo, commit, { linkRecords: options.copy !== true });
  const result = await checkoutSnapshot(repo, snapshot.entries, options.dest, {
    copy: options.copy,
    linkRecords: snapshot.linkRecords,
    onProgress: options.onProgress,
    onRawRepaired: options.onRawRepaired,
  });
  return { ...result, commit };
}
