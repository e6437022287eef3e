import { applyOverlayChanges } from '../../model/snapshot/applyOverlayChanges.js';
import { diffEntries, type ChangeStatus, type EntryChange } from '../../model/snapshot/diffEntries.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import type { Repository } from '../../store/repository/repository.js';
import { storeScannedEntries } from '../../store/snapshot/storeScannedEntries.js';
import { withRepoWrite } from '../../store/repository/withRepoWrite.js';
import { readOverlayUpper } from './readOverlayUpper.js';
import type { ShadowTree } from './shadowTree.js';

export interface ShadowChanges {
  /** The snapshot the shadow shows: the deployed entries with the upper layer applied. */
  entries: FsEntry[];
  changes: EntryChange[];
  summary: Record<ChangeStatus, number>;
}

/**
 * Stores what the scripts wrote into the shadow's upper layer (blobs and raw objects, nothing
 * referenced yet) and compares the resulting snapshot with the deployed one. An entry copied up
 * only for a chmod or chown keeps its content id and shows as a metadata change.
 */
export async function storeShadowChanges(repo: Repository, shadow: ShadowTree, deployed: readonly FsEntry[]): Promise<ShadowChanges> {
  const overlay = readOverlayUpper(shadow.upper);
  const { entries: upper } = await withRepoWrite(repo, () => storeScannedEntries(repo, overlay.upper));
  const entries = applyOverlayChanges(deployed, { upper, whiteouts: overlay.whiteouts, opaqueDirs: overlay.opaqueDirs });
  const changes = diffEntries(deployed, entries);
  const summary: Record<ChangeStatus, number> = { added: 0, removed: 0, modified: 0, metadata: 0 };
  for (const change of changes) summary[change.status]++;
  return { entries, changes, summary };
}
