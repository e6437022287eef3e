import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { formatConfigMessage, parseConfigMessage } from '../../model/root/configCommitMessage.js';
import type { ChangeStatus } from '../../model/snapshot/diffEntries.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import type { Oid } from '../../model/git/oid.js';
import { checkoutSnapshot } from '../../store/checkout/checkoutSnapshot.js';
import { readCommit } from '../../store/objects/readCommit.js';
import type { Repository } from '../../store/repository/repository.js';
import { DEFAULT_SCRIPT_TIMEOUT_SECONDS, manifestAfter, ROOT_CONFIG_DIR } from './applyConfig.js';
import { rootDeployDir } from '../deploy/deploymentState.js';
import { listConfigScripts } from './listConfigScripts.js';
import { configScriptFailed, runConfigScripts } from './runConfigScripts.js';
import { BASE_PREFIX, createShadowTree, removeShadowTree } from './shadowTree.js';
import { storeShadowChanges } from './storeShadowChanges.js';

/** What replaying a config.d commit on a new base gives: a snapshot to commit on top of the base. */
export interface ReappliedConfig {
  entries: FsEntry[];
  manifest?: string;
  message: string;
  summary: Record<ChangeStatus, number>;
}

/**
 * The config.d commits on a local branch's first-parent chain from `tip`, oldest first: what a
 * rebase (`root update`) replays, one by one, with reapplyConfig.
 */
export async function listConfigCommits(repo: Repository, tip: Oid): Promise<Oid[]> {
  const found: Oid[] = [];
  let oid: Oid | undefined = tip;
  for (let depth = 0; oid !== undefined && depth < 10_000; depth++) {
    const commit = await readCommit(repo, oid);
    if (parseConfigMessage(commit.message) !== null) found.push(oid);
    oid = commit.parents[0];
  }
  return found.reverse();
}

/**
 * Runs the scripts a config.d commit records (the root's own etc/hacktree/config.d, now taken
 * from the new base, or the admin's directory it names) on a new base snapshot: the base is
 * checked out beside the deployments, shadowed, and the scripts run as `config apply` runs them.
 * Returns null when they change nothing; throws CONFIG_SCRIPT_FAILED when one fails. Nothing
 * is committed and no ref moves: the caller commits the result on top of the base (with
 * commitSnapshot, in its own ref transaction, under the repository lock it holds). Needs root.
 */
export async function reapplyConfig(options: {
  repo: Repository;
  prefix: string;
  name: string;
  base: { entries: readonly FsEntry[]; manifest?: string };
  configCommit: Oid;
  timeoutSeconds?: number;
}): Promise<ReappliedConfig | null> {
  const { repo, prefix, name } = options;
  const recorded = parseConfigMessage((await readCommit(repo, options.configCommit)).message);
  if (recorded === null) {
    throw new HacktreeError('USAGE', `${options.configCommit} is not a config.d commit`, { data: { commit: options.configCommit } });
  }
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_SCRIPT_TIMEOUT_SECONDS;
  const baseDir = join(rootDeployDir(prefix, name), `${BASE_PREFIX}${process.pid}`);
  rmSync(baseDir, { recursive: true, force: true });
  try {
    await checkoutSnapshot(repo, options.base.entries, baseDir);
    const scriptsDir = recorded.source === 'root' ? join(baseDir, ROOT_CONFIG_DIR) : recorded.source;
    const scripts = listConfigScripts(scriptsDir, { required: recorded.source !== 'root' });
    if (scripts.length === 0) return null;
    const shadow = createShadowTree(prefix, name, [baseDir]);
    try {
      const { failed } = await runConfigScripts({ shadow, scriptsDir, scripts, timeoutSeconds });
      if (failed !== null) throw configScriptFailed(failed, timeoutSeconds, 'the config.d changes were not replayed');
      const changes = await storeShadowChanges(repo, shadow, options.base.entries);
      if (changes.changes.length === 0) return null;
      return {
        entries: changes.entries,
        manifest: manifestAfter(options.base.manifest, changes),
        message: formatConfigMessage({ scripts, source: recorded.source, summary: changes.summary }),
        summary: changes.summary,
      };
    } finally {
      removeShadowTree(shadow);
    }
  } finally {
    rmSync(baseDir, { recursive: true, force: true });
  }
}
