import type { GitCommit, GitSignature } from '../../model/git/gitCommit.js';
import { serializeCommit } from '../../model/git/gitCommit.js';
import type { Oid } from '../../model/git/oid.js';
import { writeObject } from './objectStore.js';
import type { Repository } from '../repository/repository.js';
import { signPayload } from '../signatures/signPayload.js';

/** Author and committer: git's own environment variables, else "hacktree"; SOURCE_DATE_EPOCH fixes the time. */
function signature(kind: 'AUTHOR' | 'COMMITTER'): GitSignature {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  return {
    name: process.env[`GIT_${kind}_NAME`] ?? 'hacktree',
    email: process.env[`GIT_${kind}_EMAIL`] ?? 'hacktree@localhost',
    timestamp: Number.isInteger(epoch) && epoch > 0 ? epoch : Math.floor(Date.now() / 1000),
    timezoneOffset: 0,
  };
}

/** Writes a commit; with `signKey`, signed with that SSH key so `git verify-commit` accepts it. */
export function writeCommit(repo: Repository, options: { tree: Oid; parents: Oid[]; message: string; signKey?: string }): Oid {
  const commit: GitCommit = {
    tree: options.tree,
    parents: options.parents,
    author: signature('AUTHOR'),
    committer: signature('COMMITTER'),
    message: options.message,
  };
  if (options.signKey !== undefined) commit.gpgsig = signPayload(serializeCommit(commit), options.signKey);
  return writeObject(repo, 'commit', serializeCommit(commit));
}
