import { summarizeCommit, type CommitSummary } from '../../model/git/commitSummary.js';
import { readCommit } from '../../store/objects/readCommit.js';
import { openRepository } from '../../store/repository/repository.js';
import { readShallowCommits } from '../../store/objects/shallowCommits.js';
import { resolveRoot } from './resolveRoot.js';

export interface RootLog {
  ref: string | null;
  commits: CommitSummary[];
}

/** `hacktree root log NAME`: the root's commits, newest first, following first parents. */
export async function rootLog(options: { repoDir: string; name: string; maxCount?: number }): Promise<RootLog> {
  const repo = openRepository(options.repoDir);
  const { commit, ref } = await resolveRoot(repo, options.name);
  const commits: CommitSummary[] = [];
  const limit = options.maxCount ?? Infinity;
  // A shallow pull (--depth) has no parents beyond these commits.
  const shallow = readShallowCommits(repo);
  let next: typeof commit | undefined = commit;
  while (next !== undefined && commits.length < limit) {
    const summary = summarizeCommit(next, await readCommit(repo, next));
    commits.push(summary);
    next = shallow.has(next) ? undefined : summary.parents[0];
  }
  return { ref, commits };
}
