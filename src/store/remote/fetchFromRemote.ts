import type { Remote } from './remoteConfig.js';
import { remoteAuthEnv } from './remoteCredentials.js';
import type { Repository } from '../repository/repository.js';
import { gitTransportError } from './gitTransportError.js';
import { runGit } from '../repository/runGit.js';

export interface FetchOptions {
  /** Only this many commits of history (git's --depth). */
  depth?: number;
  /** Fetch every object again, ignoring what is here (repairs damaged objects). */
  refetch?: boolean;
  onStderr?: (text: string) => void;
}

/**
 * Fetches refspecs from a remote with native git: isomorphic-git's fetch holds the whole pack in
 * memory and failed on a W1-sized root (docs/decisions/0012-native-git-for-packs-and-fetch.md).
 * Every received object is checked (transfer.fsckObjects) before git writes the refs, which are
 * only ever quarantine refs here. git keeps a pack only once it arrived whole and its index is
 * written; an interrupted transfer leaves a tmp_pack_* that git gc removes.
 */
export async function fetchFromRemote(repo: Repository, remote: Remote, refspecs: readonly string[], options: FetchOptions = {}): Promise<void> {
  const args = ['-c', 'transfer.fsckObjects=true', '-c', 'gc.auto=0', '-c', 'fetch.writeCommitGraph=false', 'fetch', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules'];
  if (options.depth !== undefined) args.push(`--depth=${options.depth}`);
  if (options.refetch === true) args.push('--refetch');
  if (options.onStderr) args.push('--progress');
  args.push('--', remote.url, ...refspecs);
  const auth = remoteAuthEnv(remote);
  const run = await runGit(repo, args, { env: auth, onStderr: options.onStderr });
  if (run.status !== 0) throw gitTransportError(remote, options.refetch ? 'fetch' : 'pull', run.stderr, { credentialsSent: auth.GIT_CONFIG_COUNT !== undefined });
}
