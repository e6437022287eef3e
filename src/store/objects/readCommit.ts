import { parseCommit, type GitCommit } from '../../model/git/gitCommit.js';
import type { Oid } from '../../model/git/oid.js';
import { readObjectOfType } from './objectStore.js';
import type { Repository } from '../repository/repository.js';
import { readShallowCommits } from './shallowCommits.js';

/** Reads and parses one commit object; a shallow commit (history cut by prune) has no parents, as in git. */
export async function readCommit(repo: Repository, oid: Oid): Promise<GitCommit> {
  const commit = parseCommit(await readObjectOfType(repo, oid, 'commit'), oid);
  if (commit.parents.length > 0 && readShallowCommits(repo).has(oid)) commit.parents = [];
  return commit;
}
