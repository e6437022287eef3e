import { HacktreeError } from '../../errors/HacktreeError.js';
import { parseConfigMessage, type ConfigRun } from '../../model/root/configCommitMessage.js';
import type { Oid } from '../../model/git/oid.js';
import { readCommit } from '../../store/objects/readCommit.js';
import { readRef } from '../../store/refs/refs.js';
import { openRepository, type Repository } from '../../store/repository/repository.js';
import { diffRoots, type RootDiff } from '../read/diffRoots.js';

export interface ConfigDiff extends RootDiff {
  root: string;
  commit: Oid;
  run: Pick<ConfigRun, 'scripts' | 'source'>;
}

/** The newest config.d commit on a local branch (first parents from its tip), or null. */
export async function findConfigCommit(repo: Repository, tip: Oid): Promise<{ commit: Oid; parent: Oid; run: Pick<ConfigRun, 'scripts' | 'source'> } | null> {
  let oid: Oid | undefined = tip;
  for (let depth = 0; oid !== undefined && depth < 10_000; depth++) {
    const commit = await readCommit(repo, oid);
    const run = parseConfigMessage(commit.message);
    if (run !== null && commit.parents[0] !== undefined) return { commit: oid, parent: commit.parents[0], run };
    oid = commit.parents[0];
  }
  return null;
}

/** `hacktree config diff NAME`: what the last config.d apply on local/root-NAME changed. */
export async function lastConfigDiff(options: { repoDir: string; name: string }): Promise<ConfigDiff> {
  const repo = openRepository(options.repoDir);
  const tip = await readRef(repo, `refs/heads/local/root-${options.name}`);
  const found = tip === null ? null : await findConfigCommit(repo, tip);
  if (found === null) {
    throw new HacktreeError('REF_NOT_FOUND', `root ${options.name} has no config.d commit (local/root-${options.name} ${tip === null ? 'does not exist' : 'has none'})`, {
      hint: `run "hacktree config apply ${options.name}" first`,
      data: { root: options.name },
    });
  }
  const diff = await diffRoots({ repoDir: options.repoDir, from: found.parent, to: found.commit });
  return { ...diff, root: options.name, commit: found.commit, run: found.run };
}
