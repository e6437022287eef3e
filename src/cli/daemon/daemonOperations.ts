import type { DaemonOperation } from './daemonProtocol.js';
import type { DaemonCommand } from '../commands/defineCommand.js';

/** Who may ask for an operation: anyone, members of the daemon's group (and root), root only. */
export type OperationAccess = 'anyone' | 'group' | 'root';

export interface OperationSpec {
  access: OperationAccess;
  /** Changes the repository or a deployment: runs in the one-writer queue (reads run at once). */
  writes: boolean;
  /** The command whose `run` does it, as the CLI would run it. */
  load: () => Promise<DaemonCommand>;
}

/**
 * What each operation is and who may run it (docs/daemon.md). A member of the group may change
 * only local branches (install-local, reset, update), have a build root prepared (build-root) and read; deploying, rolling back,
 * undeploying, config.d and upgrades stay root's.
 */
export const daemonOperations: Record<DaemonOperation, OperationSpec> = {
  status: { access: 'anyone', writes: false, load: async () => (await import('../commands/root/rootStatus.js')).rootStatusCommand },
  'install-local': { access: 'group', writes: true, load: async () => (await import('../commands/root/rootInstallLocal.js')).rootInstallLocalCommand },
  reset: { access: 'group', writes: true, load: async () => (await import('../commands/root/rootReset.js')).rootResetCommand },
  update: { access: 'group', writes: true, load: async () => (await import('../commands/root/rootUpdate.js')).rootUpdateCommand },
  checkout: { access: 'root', writes: true, load: async () => (await import('../commands/root/rootCheckout.js')).rootCheckoutCommand },
  rollback: { access: 'root', writes: true, load: async () => (await import('../commands/root/rootRollback.js')).rootRollbackCommand },
  undeploy: { access: 'root', writes: true, load: async () => (await import('../commands/root/rootUndeploy.js')).rootUndeployCommand },
  'config-apply': { access: 'root', writes: true, load: async () => (await import('../commands/config/configApply.js')).configApplyCommand },
  upgrade: { access: 'root', writes: true, load: async () => (await import('../commands/root/rootUpgrade.js')).rootUpgradeCommand },
  // A developer's `make`: the build root is composed and checked out in the repository (derived
  // data, like a build's), the build itself runs as the developer (docs/decisions).
  'build-root': { access: 'group', writes: true, load: async () => (await import('../commands/build/buildRoot.js')).buildRootCommand },
  // A read the group may do (the repository is root's to read): what make put on the local branch.
  local: { access: 'group', writes: false, load: async () => (await import('../commands/root/rootLocal.js')).rootLocalCommand },
  // The repository's other reads, for the same reason: the group reads everything, run at once.
  list: { access: 'group', writes: false, load: async () => (await import('../commands/root/rootList.js')).rootListCommand },
  ls: { access: 'group', writes: false, load: async () => (await import('../commands/root/rootLs.js')).rootLsCommand },
  cat: { access: 'group', writes: false, load: async () => (await import('../commands/root/rootCat.js')).rootCatCommand },
  log: { access: 'group', writes: false, load: async () => (await import('../commands/root/rootLog.js')).rootLogCommand },
  diff: { access: 'group', writes: false, load: async () => (await import('../commands/root/rootDiff.js')).rootDiffCommand },
  show: { access: 'group', writes: false, load: async () => (await import('../commands/root/rootShow.js')).rootShowCommand },
  blame: { access: 'group', writes: false, load: async () => (await import('../commands/root/rootBlame.js')).rootBlameCommand },
  'artifact-list': { access: 'group', writes: false, load: async () => (await import('../commands/artifact/artifactList.js')).artifactListCommand },
  'artifact-show': { access: 'group', writes: false, load: async () => (await import('../commands/artifact/artifactShow.js')).artifactShowCommand },
};
