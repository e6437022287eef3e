import { HacktreeError } from '../../errors/HacktreeError.js';
import type { Oid } from '../../model/git/oid.js';
import { pushToRemote } from '../../store/remote/pushToRemote.js';
import { readRemote } from '../../store/remote/remoteConfig.js';
import { listRefs, readRef } from '../../store/refs/refs.js';
import { openRepository } from '../../store/repository/repository.js';
import { remoteBranch } from './remoteBranch.js';

/**
 * `hacktree push REMOTE [ROOT...]`: the root branches (default: every root-*) to the remote's
 * branches of the same names, with native git (which sends only what the remote lacks);
 * fast-forward only: a remote branch with commits this repository lacks is refused.
 */
export async function pushRoots(options: { repoDir: string; remote: string; roots: readonly string[] }): Promise<{ remote: string; pushed: Array<{ branch: string; commit: Oid }> }> {
  const repo = openRepository(options.repoDir);
  const remote = await readRemote(repo, options.remote);
  const pushed: Array<{ branch: string; commit: Oid }> = [];
  if (options.roots.length === 0) {
    for (const { ref, oid } of await listRefs(repo, 'refs/heads/')) if (ref.startsWith('refs/heads/root-')) pushed.push({ branch: ref.slice('refs/heads/'.length), commit: oid });
  } else {
    for (const branch of new Set(options.roots.map(remoteBranch))) {
      const commit = await readRef(repo, `refs/heads/${branch}`);
      if (commit === null) {
        throw new HacktreeError('REF_NOT_FOUND', `no branch ${branch} to push in ${repo.dir}`, { hint: 'list roots with "hacktree root list"', data: { branch } });
      }
      pushed.push({ branch, commit });
    }
  }
  if (pushed.length === 0) {
    throw new HacktreeError('REF_NOT_FOUND', `no root-* branches to push in ${repo.dir}`, { hint: 'compose a root first with "hacktree root compose NAME"' });
  }
  await pushToRemote(repo, remote, pushed.map(({ branch, commit }) => `${commit}:refs/heads/${branch}`));
  return { remote: remote.name, pushed };
}
