import { parseCommit, type GitCommit } from '../model/gitCommit.js';
import type { Oid } from '../model/oid.js';
import { readObjectOfType } from './objectStore.js';
import type { Repository } from './repository.js';

/** Reads and parses one commit object. */
export async function readCommit(repo: Repository, oid: Oid): Promise<GitCommit> {
  return parseCommit(await readObjectOfType(repo, oid, 'commit'), oid);
}
