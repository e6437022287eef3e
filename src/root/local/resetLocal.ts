import { HacktreeError } from '../../errors/HacktreeError.js';
import type { Oid } from '../../model/git/oid.js';
import { parseRootName } from '../../model/root/rootName.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { deleteRef, readRef } from '../../store/refs/refs.js';
import { openRepository } from '../../store/repository/repository.js';
import { withRepoWrite } from '../../store/repository/withRepoWrite.js';
import { localRef, readMasterTip } from './localBranch.js';
import { redeployLocal, type LocalBranchOptions, type RedeployOutcome } from './redeployLocal.js';

export interface ResetLocalResult {
  root: string;
  /** The local tip that was dropped. */
  dropped: Oid;
  master: Oid;
  deploy: RedeployOutcome;
}

/** `hacktree root reset NAME`: deletes local/root-NAME and redeploys master if the root is deployed. */
export async function resetLocal(options: LocalBranchOptions): Promise<ResetLocalResult> {
  parseRootName(options.name);
  const repo = openRepository(options.repoDir);
  const { dropped, master } = await withRepoWrite(repo, async () => {
    const master = await readMasterTip(repo, options.name);
    const tip = await readRef(repo, localRef(options.name));
    if (!tip) {
      throw new HacktreeError('REF_NOT_FOUND', `root ${options.name} has no local branch (local/root-${options.name}): nothing to reset`, {
        hint: `"hacktree root local ${options.name}" lists local components; "hacktree root install-local" makes the branch`,
        data: { root: options.name },
      });
    }
    await deleteRef(repo, localRef(options.name));
    return { dropped: tip, master };
  });
  failpoint('reset-after-delete');
  const deploy = await redeployLocal({ ...options, commit: master, failpointPrefix: 'reset' });
  return { root: options.name, dropped, master, deploy };
}
