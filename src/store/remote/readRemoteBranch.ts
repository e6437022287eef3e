import { asOid, type Oid } from '../../model/git/oid.js';
import type { Repository } from '../repository/repository.js';
import { runGit } from '../repository/runGit.js';
import { gitTransportError } from './gitTransportError.js';
import type { Remote } from './remoteConfig.js';
import { remoteAuthEnv } from './remoteCredentials.js';

/**
 * The commit a remote's branch points at, or null when the remote has no such branch: one
 * `git ls-remote`, which lists refs and transfers no objects, so nothing here changes.
 */
export async function readRemoteBranch(repo: Repository, remote: Remote, branch: string): Promise<Oid | null> {
  const auth = remoteAuthEnv(remote);
  const run = await runGit(repo, ['ls-remote', '--', remote.url, `refs/heads/${branch}`], { env: auth });
  if (run.status !== 0) throw gitTransportError(remote, 'pull', run.stderr, { credentialsSent: auth.GIT_CONFIG_COUNT !== undefined });
  const line = run.stdout.split('\n').find((l) => l.endsWith(`\trefs/heads/${branch}`));
  return line === undefined ? null : asOid(line.slice(0, line.indexOf('\t')));
}
