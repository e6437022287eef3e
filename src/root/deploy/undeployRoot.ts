import { existsSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { publicPathOf, readDeployState, requireDeployState, rootDeployDir, STATE_FILE } from './deploymentState.js';
import { withDeployLock } from './deployLock.js';
import { checkPrefix } from './ensureRealDir.js';
import { requireRootUser } from './mountReadOnly.js';
import { reconcileDeployment } from './reconcileDeployment.js';

/**
 * `hacktree root undeploy NAME`: forgets the state first, so a killed undeploy never comes back
 * at the next boot; then unmounts PREFIX/root-NAME and removes every deployment. Leftovers of a
 * killed undeploy are removed by running it again.
 */
export async function undeployRoot(options: { name: string; prefix: string }): Promise<{ root: string; removed: string[] }> {
  const { name, prefix } = options;
  checkPrefix(prefix);
  requireRootUser();
  const dir = rootDeployDir(prefix, name);
  if (readDeployState(prefix, name) === null && !existsSync(dir)) requireDeployState(prefix, name);
  return withDeployLock(prefix, name, async () => {
    const state = readDeployState(prefix, name);
    const removed = state === null ? [] : [state.current, state.previous, ...state.older].flatMap((r) => (r ? [r.dir] : []));
    try {
      unlinkSync(join(dir, STATE_FILE));
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err;
    }
    failpoint('undeploy-after-state');
    reconcileDeployment(prefix, name, null);
    try {
      rmdirSync(publicPathOf(prefix, name));
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw err;
    }
    rmSync(dir, { recursive: true, force: true });
    return { root: name, removed };
  });
}
