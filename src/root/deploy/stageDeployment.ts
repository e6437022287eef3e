import { asOid, type Oid } from '../../model/git/oid.js';
import { overlayLayerOf } from '../../model/snapshot/overlayLayer.js';
import { checkoutSnapshot } from '../../store/checkout/checkoutSnapshot.js';
import type { RawRepair } from '../../store/raw/ensureSoundRaw.js';
import { readSnapshot } from '../../store/snapshot/readSnapshot.js';
import { readSnapshotChanges } from '../../store/snapshot/readSnapshotChanges.js';
import type { Repository } from '../../store/repository/repository.js';
import type { DeploymentRecord } from './deploymentState.js';

/** Where a deployment's tree is: `dir` alone (a full checkout), or `dir` layered over `base`. */
export interface StagedDeployment {
  dir: string;
  base?: { commit: string; dir: string };
}

/** A layer is made when it holds at most this fraction of the tree's entries; past it, a full checkout. */
const LAYER_FRACTION = 1 / 4;

/**
 * Makes the tree of a new deployment of `commit`: over the full checkout
 * the current deployment shows (its own directory, or the base it is layered over), only the
 * difference, as an overlayfs layer checked out at `dir` (so the cost follows the change, not
 * the root); that checkout itself when `commit` is its commit; else a full checkout at `dir`,
 * which later deployments layer over in turn. A full checkout is also made when the difference
 * is large, or when overlayfs cannot show the tree (see overlayBlocker, and paths that its mount
 * options cannot carry). Like a checkout, a layer is staged and renamed into place.
 */
export async function stageDeployment(
  repo: Repository,
  options: {
    dir: string;
    commit: Oid;
    current: DeploymentRecord | null;
    onProgress?: (phase: string, done: number, total: number) => void;
    onRawRepaired?: (repair: RawRepair) => void;
  },
): Promise<StagedDeployment> {
  const { dir, current, onProgress, onRawRepaired } = options;
  const base = current === null ? null : (current.base ?? { commit: current.commit, dir: current.dir });
  if (base !== null && base.commit === options.commit) return { dir: base.dir };
  if (base !== null && ![dir, base.dir].some((path) => /[,:\\\n]/.test(path))) {
    const changes = await readSnapshotChanges(repo, asOid(base.commit), options.commit);
    const layer = overlayLayerOf(changes.before, changes.after);
    if (changes.overlayBlocker === null && layer.entries.length + layer.whiteouts.length <= changes.afterEntries * LAYER_FRACTION) {
      await checkoutSnapshot(repo, layer.entries, dir, { whiteouts: layer.whiteouts, onProgress, onRawRepaired });
      return { dir, base };
    }
  }
  const { entries, linkRecords } = await readSnapshot(repo, options.commit, { linkRecords: true });
  await checkoutSnapshot(repo, entries, dir, { linkRecords, onProgress, onRawRepaired });
  return { dir };
}
