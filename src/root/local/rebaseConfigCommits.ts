import { existsSync } from 'node:fs';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { parseConfigMessage } from '../../model/root/configCommitMessage.js';
import type { FsEntry } from '../../model/snapshot/fsEntry.js';
import { parseLocalRecord } from '../../model/artifact/localRecord.js';
import type { Oid } from '../../model/git/oid.js';
import { commitSnapshot } from '../../store/snapshot/commitSnapshot.js';
import { readCommit } from '../../store/objects/readCommit.js';
import type { RefTransaction } from '../../store/refs/refTransaction.js';
import type { Repository } from '../../store/repository/repository.js';
import { rootDeployDir } from '../deploy/deploymentState.js';
import { localRef } from './localBranch.js';
import { reapplyConfig } from '../config/reapplyConfig.js';

/**
 * The config.d commits a rebase must replay: those on the local branch's first-parent chain
 * above its newest local-record commit (install-local and update write one), oldest first, and
 * the commit they were made on. Earlier config.d commits were replayed already by the update
 * that wrote that record.
 */
export async function pendingConfigCommits(repo: Repository, tip: Oid): Promise<{ commits: Oid[]; base: Oid | null }> {
  const commits: Oid[] = [];
  let oid: Oid | undefined = tip;
  while (oid !== undefined) {
    const commit = await readCommit(repo, oid);
    if (parseLocalRecord(commit.message) !== null) return { commits: commits.reverse(), base: oid };
    if (parseConfigMessage(commit.message) === null) return { commits: commits.reverse(), base: oid };
    commits.push(oid);
    oid = commit.parents[0];
  }
  return { commits: commits.reverse(), base: null };
}

/**
 * Replays config.d commits (a rebase, never a merge) on top of the local branch's pending tip in
 * `refs`: each re-runs its recorded scripts on the tree so far, and what they change is committed
 * with the script names and hashes in the message. A failing script throws CONFIG_SCRIPT_FAILED
 * and, the transaction being dropped, nothing changes.
 */
export async function rebaseConfigCommits(options: {
  repo: Repository;
  name: string;
  prefix: string;
  configCommits: readonly Oid[];
  base: { entries: FsEntry[]; manifest?: string };
  refs: RefTransaction;
}): Promise<number> {
  if (options.configCommits.length === 0) return 0;
  if (!existsSync(rootDeployDir(options.prefix, options.name))) {
    throw new HacktreeError('NOT_DEPLOYED', `root ${options.name} has config.d changes to replay, which runs beside its deployments, but it is not deployed at ${options.prefix}`, {
      hint: `deploy it first ("hacktree root checkout ${options.name} --prefix ${options.prefix}"), or give the --prefix it is deployed at`,
      data: { root: options.name, prefix: options.prefix },
    });
  }
  let current = options.base;
  let replayed = 0;
  for (const configCommit of options.configCommits) {
    const result = await reapplyConfig({ repo: options.repo, prefix: options.prefix, name: options.name, base: current, configCommit });
    if (result === null) continue;
    await commitSnapshot(options.repo, {
      branch: localRef(options.name),
      entries: result.entries,
      extras: result.manifest === undefined ? {} : { manifest: result.manifest },
      message: result.message,
      refs: options.refs,
    });
    current = { entries: result.entries, manifest: result.manifest };
    replayed++;
  }
  return replayed;
}
