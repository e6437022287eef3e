import { HacktreeError } from '../errors/HacktreeError.js';
import type { Oid } from '../model/oid.js';
import type { DroppedDevel } from '../model/replaceComponents.js';
import { parseRootName } from '../model/rootName.js';
import { failpoint } from '../store/failpoint.js';
import { readRef } from '../store/refs.js';
import { openRepository } from '../store/repository.js';
import { withRepoWrite } from '../store/withRepoWrite.js';
import { applyLocalArtifacts, commitLocal, findLocalRecord, localRef, readMasterTip } from './localBranch.js';
import { redeployLocal, type RedeployOutcome } from './redeployLocal.js';

export interface UpdateLocalResult {
  root: string;
  /** False when the local branch was built on master's tip already. */
  updated: boolean;
  commit: Oid;
  /** The master commit the branch was built on before, and now. */
  from: Oid;
  to: Oid;
  artifacts: string[];
  droppedDevel: DroppedDevel[];
  deploy: RedeployOutcome;
}

/**
 * `hacktree root update NAME`: rebuilds local/root-NAME as master's new tree plus the same local
 * artifacts, as one commit whose parent is the old local tip (the branch only moves forward, so
 * its history is what was deployed; the master commit it is built on is in the message). Never a
 * merge commit. A conflict is TREE_CONFLICT naming the files, and nothing changes.
 */
export async function updateLocal(options: {
  repoDir: string;
  name: string;
  prefix: string;
  deploy: boolean;
  onProgress?: (phase: string, done: number, total: number) => void;
}): Promise<UpdateLocalResult> {
  parseRootName(options.name);
  const repo = openRepository(options.repoDir);
  const outcome = await withRepoWrite(repo, async (refs) => {
    const master = await readMasterTip(repo, options.name);
    const tip = await readRef(repo, localRef(options.name));
    const record = tip === null ? null : await findLocalRecord(repo, tip);
    if (tip === null || record === null) {
      throw new HacktreeError('REF_NOT_FOUND', `root ${options.name} has no local branch with local artifacts (local/root-${options.name}): nothing to update`, {
        hint: `install one with "hacktree root install-local ARTIFACT --root ${options.name}"`,
        data: { root: options.name },
      });
    }
    if (record.base === master) return { updated: false, commit: tip, from: record.base, record, droppedDevel: [] };
    const tree = await applyLocalArtifacts(repo, master, record.artifacts, refs);
    const commit = await commitLocal(repo, {
      name: options.name,
      parent: tip,
      expected: tip,
      tree,
      record: { base: master, artifacts: record.artifacts },
      subject: `Update ${options.name}'s local branch to master ${master.slice(0, 12)}`,
      refs,
    });
    // config.d (H8): re-run the root's config.d scripts on the rebased tree here, committing on
    // top of `commit` before the deployment below, so an update keeps the admin's configuration.
    return { updated: true, commit: commit ?? tip, from: record.base, record, droppedDevel: tree.droppedDevel };
  });
  failpoint('update-after-commit');
  const master = await readMasterTip(repo, options.name);
  // Also when nothing changed: a deployment left behind by a killed update catches up (deployRoot
  // does nothing when the commit is deployed already).
  const deploy = await redeployLocal({ ...options, commit: outcome.commit, failpointPrefix: 'update' });
  return {
    root: options.name,
    updated: outcome.updated,
    commit: outcome.commit,
    from: outcome.from,
    to: master,
    artifacts: outcome.record.artifacts.map((a) => a.fileName),
    droppedDevel: outcome.droppedDevel,
    deploy,
  };
}
