import type { Oid } from '../../model/git/oid.js';
import { readRemoteBranch } from '../../store/remote/readRemoteBranch.js';
import type { Remote } from '../../store/remote/remoteConfig.js';
import type { Repository } from '../../store/repository/repository.js';
import { readStaticIndex } from './readStaticIndex.js';

/**
 * The commit a remote's root branch is at, or null when it has none, transferring no objects:
 * `git ls-remote` on a git server; a static repository's index, checked as a pull checks it
 * (its signature with --verify, no older than the last one accepted), as its dumb-HTTP
 * info/refs carries no signature.
 */
export async function readRemoteRootCommit(repo: Repository, remote: Remote, branch: string): Promise<Oid | null> {
  if (!remote.static) return readRemoteBranch(repo, remote, branch);
  const { index } = await readStaticIndex(remote, remote.url.endsWith('/') ? remote.url : `${remote.url}/`);
  return index.roots[branch] ?? null;
}
