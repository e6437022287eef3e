import { HacktreeError, isHacktreeError } from '../../errors/HacktreeError.js';
import type { Oid } from '../../model/git/oid.js';
import { readRef, resolveRevision } from '../../store/refs/refs.js';
import type { Repository } from '../../store/repository/repository.js';

/**
 * What `hacktree root … NAME` means: the root's branch `root-NAME` when it exists, else NAME as
 * a branch, ref or commit id.
 */
export async function resolveRoot(repo: Repository, name: string): Promise<{ commit: Oid; ref: string | null }> {
  if (!name.startsWith('root-') && !name.startsWith('refs/')) {
    const ref = `refs/heads/root-${name}`;
    const oid = /^[\w.+-]+$/.test(name) ? await readRef(repo, ref) : null;
    if (oid) return { commit: oid, ref };
  }
  try {
    const commit = await resolveRevision(repo, name);
    return { commit, ref: name.startsWith('refs/') ? name : (await readRef(repo, `refs/heads/${name}`)) ? `refs/heads/${name}` : null };
  } catch (err) {
    if (!isHacktreeError(err, 'REF_NOT_FOUND')) throw err;
    const tried = name.startsWith('root-') || name.startsWith('refs/') ? name : `root-${name} or ${name}`;
    throw new HacktreeError('REF_NOT_FOUND', `no root or ref named "${name}" (no branch ${tried}) in ${repo.dir}`, {
      hint: 'list roots with "hacktree root list"; compose one with "hacktree root compose NAME"',
      data: { root: name },
    });
  }
}
