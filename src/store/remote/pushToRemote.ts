import { gitTransportError } from './gitTransportError.js';
import type { Remote } from './remoteConfig.js';
import { remoteAuthEnv } from './remoteCredentials.js';
import type { Repository } from '../repository/repository.js';
import { runGit } from '../repository/runGit.js';

/** Pushes refspecs to a remote with native git (fast-forward only unless a refspec says +). */
export async function pushToRemote(repo: Repository, remote: Remote, refspecs: readonly string[]): Promise<string> {
  const auth = remoteAuthEnv(remote);
  const run = await runGit(repo, ['-c', 'push.default=nothing', 'push', '--porcelain', '--', remote.url, ...refspecs], { env: auth });
  if (run.status !== 0) throw gitTransportError(remote, 'push', `${run.stderr}\n${run.stdout}`, { credentialsSent: auth.GIT_CONFIG_COUNT !== undefined });
  return run.stdout;
}
