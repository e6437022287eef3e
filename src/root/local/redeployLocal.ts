import type { Oid } from '../../model/git/oid.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { readDeployState } from '../deploy/deploymentState.js';
import { deployRoot } from '../deploy/deployRoot.js';

/** Whether a local-branch command redeployed, and if not, why. */
export interface RedeployOutcome {
  prefix: string;
  redeployed: boolean;
  /** The deployment directory when redeployed. */
  dir?: string;
  /** Why not, in words: "--no-deploy", "not deployed at PREFIX". */
  skipped?: string;
}

/** What a local-branch operation is given: the root, where it may be deployed, and whether to redeploy it there. */
export interface LocalBranchOptions {
  repoDir: string;
  name: string;
  prefix: string;
  /** Redeploy the root if it is deployed at `prefix` (false: --no-deploy). */
  deploy: boolean;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/**
 * Publishes `commit` as root NAME's deployment under `prefix` if the root is deployed there
 * (a root never deployed stays so: deploying is `hacktree root checkout`'s decision).
 */
export async function redeployLocal(options: LocalBranchOptions & { commit: Oid; failpointPrefix: string }): Promise<RedeployOutcome> {
  const { prefix } = options;
  if (!options.deploy) return { prefix, redeployed: false, skipped: '--no-deploy' };
  if (readDeployState(prefix, options.name)?.current == null) {
    return { prefix, redeployed: false, skipped: `${options.name} is not deployed at ${prefix}` };
  }
  failpoint(`${options.failpointPrefix}-before-deploy`);
  const state = await deployRoot({ repoDir: options.repoDir, name: options.name, prefix, commit: options.commit, onProgress: options.onProgress });
  failpoint(`${options.failpointPrefix}-after-deploy`);
  return { prefix, redeployed: true, dir: state.current?.dir };
}
