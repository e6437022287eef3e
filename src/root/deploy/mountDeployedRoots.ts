import { layersOf, listDeployedRoots, readDeployState, requireDeployState } from './deploymentState.js';
import { withDeployLock } from './deployLock.js';
import { checkPrefix } from './ensureRealDir.js';
import { isShowing, requireRootUser } from './mountReadOnly.js';
import { checkPublicPath, reconcileDeployment } from './reconcileDeployment.js';

export interface MountedRoot {
  root: string;
  publicPath: string;
  dir: string;
  /** False when it was already published. */
  mounted: boolean;
}

/**
 * `hacktree root mount --all`: publishes every recorded root's current deployment again (after
 * a reboot), finishing any switch a crash interrupted. Idempotent.
 */
export async function mountDeployedRoots(options: { prefix: string; names?: string[] }): Promise<MountedRoot[]> {
  const { prefix } = options;
  checkPrefix(prefix);
  requireRootUser();
  const result: MountedRoot[] = [];
  for (const name of options.names ?? listDeployedRoots(prefix)) {
    await withDeployLock(prefix, name, async () => {
      const state = readDeployState(prefix, name);
      if (state?.current == null) {
        if (options.names !== undefined) requireDeployState(prefix, name);
        return;
      }
      checkPublicPath(prefix, name);
      const already = isShowing(state.publicPath, layersOf(state.current));
      reconcileDeployment(prefix, name, state);
      result.push({ root: name, publicPath: state.publicPath, dir: state.current.dir, mounted: !already });
    });
  }
  return result;
}
