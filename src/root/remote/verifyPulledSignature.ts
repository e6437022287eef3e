import type { Oid } from '../../model/git/oid.js';
import { listRemotes } from '../../store/remote/remoteConfig.js';
import type { Repository } from '../../store/repository/repository.js';
import { runGit } from '../../store/repository/runGit.js';
import { verifyCommitSignature } from '../../store/signatures/verifyCommitSignature.js';

/**
 * A branch pulled from a remote added with --verify (`branch.BRANCH.hacktreeRemote` in the git
 * config names it) deploys only commits that remote's allowed signers signed: checked again at
 * deploy time, so a commit that reached the branch another way is refused too.
 */
export async function verifyPulledSignature(repo: Repository, branch: string, commit: Oid): Promise<void> {
  const run = await runGit(repo, ['config', '--get', `branch.${branch}.hacktreeRemote`]);
  const name = run.status === 0 ? run.stdout.trim() : '';
  if (name === '') return;
  const remote = (await listRemotes(repo)).find((r) => r.name === name);
  if (!remote?.verify || remote.allowedSigners === undefined) return;
  await verifyCommitSignature(repo, commit, { allowedSigners: remote.allowedSigners, what: `${branch} (pulled from remote "${remote.name}", which requires signatures)` });
}
