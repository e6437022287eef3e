import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { formatConfigMessage } from '../../model/root/configCommitMessage.js';
import type { ChangeStatus, EntryChange } from '../../model/snapshot/diffEntries.js';
import { parseManifest, serializeManifest } from '../../model/snapshot/manifest.js';
import type { Oid } from '../../model/git/oid.js';
import type { RepoPath } from '../../model/snapshot/repoPath.js';
import { commitSnapshot } from '../../store/snapshot/commitSnapshot.js';
import { failpoint } from '../../platform/process/failpoint.js';
import { readSnapshot } from '../../store/snapshot/readSnapshot.js';
import { readRef } from '../../store/refs/refs.js';
import { openRepository } from '../../store/repository/repository.js';
import { withRepoWrite } from '../../store/repository/withRepoWrite.js';
import { deployRoot, checkDeployName } from '../deploy/deployRoot.js';
import { layersOf, readDeployState, requireDeployState, type DeploymentRecord } from '../deploy/deploymentState.js';
import { withDeployLock } from '../deploy/deployLock.js';
import { listConfigScripts, type ConfigScript } from './listConfigScripts.js';
import { notPermittedError } from '../deploy/mountReadOnly.js';
import { openShadowShell } from './openShadowShell.js';
import { reconcileDeployment } from '../deploy/reconcileDeployment.js';
import { configScriptFailed, runConfigScripts } from './runConfigScripts.js';
import { createShadowTree, removeShadowTree, removeStaleShadowTrees } from './shadowTree.js';
import { storeShadowChanges, type ShadowChanges } from './storeShadowChanges.js';

/** The root's own scripts, relative to its top. */
export const ROOT_CONFIG_DIR = 'etc/hacktree/config.d';
export const DEFAULT_SCRIPT_TIMEOUT_SECONDS = 300;

export interface ConfigApplyOptions {
  repoDir: string;
  name: string;
  prefix: string;
  /** The admin's directory of scripts; default: etc/hacktree/config.d of the deployed root. */
  scriptsDir?: string;
  timeoutSeconds?: number;
  onScriptStart?: (script: string) => void;
  onOutput?: (script: string, chunk: Buffer) => void;
  /**
   * When a script fails: a shell in the shadow instead, then `confirm` decides whether the
   * shadow as the admin left it is applied (the scripts after the failed one do not run).
   */
  shellOnFailure?: { onShell?: (script: string, status: number) => void; confirm: (changes: ShadowChanges) => Promise<boolean> };
}

export interface ConfigApplyResult {
  root: string;
  /** False when there were no scripts or they changed nothing: no commit, no redeploy. */
  applied: boolean;
  scripts: Array<ConfigScript & { status: number; seconds: number }>;
  source: string;
  /** The deployed commit the scripts ran on. */
  base: Oid;
  commit: Oid | null;
  changes: EntryChange[];
  summary: Record<ChangeStatus, number>;
  deployment: DeploymentRecord | null;
  /** An earlier command's commit on local/root-NAME that was not deployed yet, deployed first. */
  rolledForward: Oid | null;
  /** Shadows of killed applies that were removed. */
  cleaned: string[];
}

/**
 * `hacktree config apply NAME`: runs the config.d scripts in a shadow of the deployment, commits
 * what they changed on local/root-NAME on top of the deployed commit, and redeploys. A failing
 * script changes nothing (the shadow is dropped); the deployment's files are never written.
 */
export async function applyConfig(options: ConfigApplyOptions): Promise<ConfigApplyResult> {
  const { name, prefix } = options;
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_SCRIPT_TIMEOUT_SECONDS;
  checkDeployName(name);
  if (process.getuid?.() !== 0) throw notPermittedError('config apply mounts a shadow of the deployed root and redeploys it, which needs root');
  const repo = openRepository(options.repoDir);
  requireDeployState(prefix, name);
  const cleaned = removeStaleShadowTrees(prefix, name);
  // A deploy killed half-way is finished first, so the scripts run on what is published.
  let state = await withDeployLock(prefix, name, async () => {
    reconcileDeployment(prefix, name, readDeployState(prefix, name));
    return requireDeployState(prefix, name);
  });
  const branch = `local/root-${name}`;
  const localTip = await readRef(repo, `refs/heads/${branch}`);
  let rolledForward: Oid | null = null;
  if (localTip !== null && localTip !== state.current!.commit) {
    // An earlier apply or install committed but was killed before it redeployed: finish that first.
    state = await deployRoot({ repoDir: options.repoDir, name, prefix, commit: localTip });
    rolledForward = localTip;
  }
  const current = state.current!;
  const base = current.commit as Oid;
  // A layered deployment's tree is whole only where it is published (reconciled just above).
  const scriptsDir = options.scriptsDir ?? join(current.base === undefined ? current.dir : state.publicPath, ROOT_CONFIG_DIR);
  const scripts = listConfigScripts(scriptsDir, { required: options.scriptsDir !== undefined });
  const source = options.scriptsDir ?? 'root';
  const result: ConfigApplyResult = {
    root: name, applied: false, scripts: [], source, base, commit: null, changes: [],
    summary: { added: 0, removed: 0, modified: 0, metadata: 0 }, deployment: current, rolledForward, cleaned,
  };
  if (scripts.length === 0) return result;

  const deployed = await readSnapshot(repo, base);
  // Under the deploy lock: no deploy of this root replaces the deployment under the shadow, or
  // takes the shadow for a leftover, while the scripts run.
  const { shadowChanges, shellAfter } = await withDeployLock(prefix, name, async () => {
    if (readDeployState(prefix, name)?.current?.commit !== base) throw movedMeanwhile(name);
    const shadow = createShadowTree(prefix, name, layersOf(current));
    try {
      failpoint('config-after-shadow');
      const { runs, failed } = await runConfigScripts({ shadow, scriptsDir, scripts, timeoutSeconds, onScriptStart: options.onScriptStart, onOutput: options.onOutput });
      result.scripts = runs.map((run, i) => ({ ...scripts[i]!, status: run.status, seconds: run.seconds }));
      if (failed === null) return { shadowChanges: await storeShadowChanges(repo, shadow, deployed.entries), shellAfter: undefined };
      if (options.shellOnFailure === undefined) throw configScriptFailed(failed, timeoutSeconds);
      options.shellOnFailure.onShell?.(failed.script, failed.status);
      await openShadowShell(shadow, scriptsDir);
      const changes = await storeShadowChanges(repo, shadow, deployed.entries);
      if (!(await options.shellOnFailure.confirm(changes))) throw configScriptFailed(failed, timeoutSeconds, 'its changes were discarded at your request');
      return { shadowChanges: changes, shellAfter: { script: failed.script, status: failed.status } };
    } finally {
      removeShadowTree(shadow);
    }
  });
  result.changes = shadowChanges.changes;
  result.summary = shadowChanges.summary;
  if (shadowChanges.changes.length === 0) return result;

  const ran = result.scripts.map(({ name: script, sha256 }) => ({ name: script, sha256 }));
  const message = formatConfigMessage({ scripts: ran, source, summary: shadowChanges.summary, shellAfter });
  const committed = await withRepoWrite(repo, async (refs) => {
    const ref = `refs/heads/${branch}`;
    const tip = await readRef(repo, ref);
    // The branch is created from the deployed commit, or must still be at it.
    if (tip !== (localTip === null ? null : base)) throw movedMeanwhile(name);
    if (tip === null) refs.set(ref, base, null);
    return commitSnapshot(repo, { branch, entries: shadowChanges.entries, extras: { manifest: manifestAfter(deployed.manifest, shadowChanges) }, message, refs });
  });
  failpoint('config-after-commit');
  result.commit = committed.commit;
  const deployedNow = await deployRoot({ repoDir: options.repoDir, name, prefix, commit: committed.commit });
  failpoint('config-after-redeploy');
  result.deployment = deployedNow.current;
  result.applied = true;
  return result;
}

/** The deployed manifest without the paths the scripts removed; new paths came from no artifact. */
export function manifestAfter(manifest: string | undefined, changes: ShadowChanges): string | undefined {
  if (manifest === undefined) return undefined;
  const providers = parseManifest(manifest);
  const present = new Set<string>(changes.entries.map((e) => e.path));
  for (const path of [...providers.keys()]) if (!present.has(path)) providers.delete(path);
  return serializeManifest(providers as Map<RepoPath, string>);
}

function movedMeanwhile(name: string): HacktreeError {
  return new HacktreeError('REPO_BUSY', `root ${name} was deployed or local/root-${name} moved while config apply ran; nothing was applied`, {
    hint: 'another command changed the root meanwhile: run "hacktree config apply" again',
    data: { root: name },
  });
}
