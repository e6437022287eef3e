import { HacktreeError } from '../../errors/HacktreeError.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { layersOf, requireDeployState, writeDeployState, type RootDeployState } from './deploymentState.js';
import { withDeployLock } from './deployLock.js';
import { checkPrefix } from './ensureRealDir.js';
import { publishReadOnly, requireRootUser } from './mountReadOnly.js';
import { reconcileDeployment } from './reconcileDeployment.js';

/** `hacktree root rollback NAME`: publishes the previous deployment; current and previous swap. */
export async function rollbackRoot(options: { name: string; prefix: string }): Promise<RootDeployState> {
  const { name, prefix } = options;
  checkPrefix(prefix);
  requireRootUser();
  return withDeployLock(prefix, name, async () => {
    const before = requireDeployState(prefix, name);
    reconcileDeployment(prefix, name, before);
    if (before.current === null || before.previous === null) {
      throw new HacktreeError('NOT_DEPLOYED', `root ${name} has no previous deployment to roll back to`, {
        hint: 'deploy a commit with "hacktree root checkout NAME --commit REV" instead',
        data: { root: name },
      });
    }
    // What was staged was to follow the current deployment: a rollback drops it.
    const state: RootDeployState = { ...before, current: before.previous, previous: before.current, staged: null };
    writeDeployState(state);
    failpoint('rollback-after-state');
    publishReadOnly(layersOf(state.current!), state.publicPath);
    return state;
  });
}
