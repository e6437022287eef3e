import { layersOf, listDeployedRoots, readDeployState, requireDeployState } from './deploymentState.js';
import { withDeployLock } from './deployLock.js';
import { checkPrefix } from './ensureRealDir.js';
import { isShowing, requireRootUser } from './mountReadOnly.js';
import { publishDeployment } from './publishDeployment.js';
import { checkPublicPath, reconcileDeployment, recordsOf } from './reconcileDeployment.js';

export interface MountedRoot {
  root: string;
  publicPath: string;
  dir: string;
  /** False when it was already published. */
  mounted: boolean;
  /** The commit of the staged deployment it published (see `root upgrade --stage`). */
  publishedStaged?: string;
}

/**
 * `hacktree root mount --all`: publishes every recorded root's current deployment again (after
 * a reboot), finishing any switch a crash interrupted, then the staged deployment where one is
 * (it becomes the current one; as many deployments are kept as before). Idempotent.
 * `keepStaged`: a staged deployment stays staged (the daemon's recovery at its start is no boot).
 */
export async function mountDeployedRoots(options: { prefix: string; names?: string[]; keepStaged?: boolean }): Promise<MountedRoot[]> {
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
      if (state.staged == null || options.keepStaged === true) {
        result.push({ root: name, publicPath: state.publicPath, dir: state.current.dir, mounted: !already });
        return;
      }
      const keep = Math.max(2, recordsOf(state).length);
      const published = publishDeployment(state, state.staged, { prefix, name, publicPath: state.publicPath, keep });
      result.push({ root: name, publicPath: state.publicPath, dir: published.current!.dir, mounted: true, publishedStaged: state.staged.commit });
    });
  }
  return result;
}
