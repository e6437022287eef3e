import { HacktreeError } from '../../errors/HacktreeError.js';
import { serializeManifest } from '../../model/snapshot/manifest.js';
import type { Oid } from '../../model/git/oid.js';
import type { RepoPath } from '../../model/snapshot/repoPath.js';
import type { DroppedDevel } from '../../model/artifact/replaceComponents.js';
import { parseRootName } from '../../model/root/rootName.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { readRef } from '../../store/refs/refs.js';
import { openRepository } from '../../store/repository/repository.js';
import { withRepoWrite } from '../../store/repository/withRepoWrite.js';
import { applyLocalArtifacts, commitLocal, findLocalRecord, localRef, readMasterTip } from './localBranch.js';
import { rebaseConfigCommits, pendingConfigCommits } from './rebaseConfigCommits.js';
import { redeployLocal, type LocalBranchOptions, type RedeployOutcome } from './redeployLocal.js';

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
  /** How many config.d commits were replayed on the new tree. */
  configReplayed: number;
  deploy: RedeployOutcome;
}

/**
 * `hacktree root update NAME`: rebuilds local/root-NAME as master's new tree plus the same local
 * artifacts, as one commit whose parent is the old local tip (the branch only moves forward, so
 * its history is what was deployed; the master commit it is built on is in the message), then
 * re-runs the config.d scripts of the branch's config.d commits on it, one commit each. Never a
 * merge commit. A conflict is TREE_CONFLICT naming the files, a failing script
 * CONFIG_SCRIPT_FAILED, and nothing changes.
 */
export async function updateLocal(options: LocalBranchOptions): Promise<UpdateLocalResult> {
  parseRootName(options.name);
  const repo = openRepository(options.repoDir);
  const outcome = await withRepoWrite(repo, async (refs) => {
    const master = await readMasterTip(repo, options.name);
    const tip = await readRef(repo, localRef(options.name));
    const record = tip === null ? null : await findLocalRecord(repo, tip);
    const config = tip === null ? { commits: [], base: null } : await pendingConfigCommits(repo, tip);
    // A branch that config apply made has config.d commits but no local record: its base is the
    // commit the first of them was made on.
    const base = record?.base ?? (config.commits.length > 0 ? config.base : null);
    if (tip === null || base === null) {
      throw new HacktreeError('REF_NOT_FOUND', `root ${options.name} has no local branch with local artifacts or config.d changes (local/root-${options.name}): nothing to update`, {
        hint: `install one with "hacktree root install-local ARTIFACT --root ${options.name}", or run "hacktree config apply ${options.name}"`,
        data: { root: options.name },
      });
    }
    const artifacts = record?.artifacts ?? [];
    if (base === master) return { updated: false, commit: tip, from: base, artifacts, droppedDevel: [], configReplayed: 0 };
    const tree = await applyLocalArtifacts(repo, master, artifacts, refs);
    // Always a record commit, even with no local artifacts: it anchors the next update (only the
    // config.d commits above it are replayed then).
    await commitLocal(repo, {
      name: options.name,
      parent: tip,
      expected: tip,
      tree,
      record: { base: master, artifacts },
      subject: `Update ${options.name}'s local branch to master ${master.slice(0, 12)}`,
      refs,
    });
    const configReplayed = await rebaseConfigCommits({
      repo,
      name: options.name,
      prefix: options.prefix,
      configCommits: config.commits,
      base: { entries: tree.entries, manifest: serializeManifest(tree.providers as Map<RepoPath, string>) },
      refs,
    });
    const commit = refs.pending(localRef(options.name)) ?? tip;
    return { updated: true, commit, from: base, artifacts, droppedDevel: tree.droppedDevel, configReplayed };
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
    artifacts: outcome.artifacts.map((a) => a.fileName),
    configReplayed: outcome.configReplayed,
    droppedDevel: outcome.droppedDevel,
    deploy,
  };
}
