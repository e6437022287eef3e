import { HacktreeError } from '../../errors/HacktreeError.js';
import type { Oid } from '../../model/git/oid.js';
import type { Repository } from '../repository/repository.js';
import { runGit } from '../repository/runGit.js';

/**
 * Checks a commit's signature the way native git does, by asking it: `git verify-commit` with
 * the allowed-signers file (SSH signatures; git verifies OpenPGP ones with gpg). Throws
 * SIGNATURE_INVALID for an unsigned commit or one no allowed key signed.
 */
export async function verifyCommitSignature(repo: Repository, commit: Oid, options: { allowedSigners: string; what: string }): Promise<void> {
  const run = await runGit(repo, ['-c', `gpg.ssh.allowedSignersFile=${options.allowedSigners}`, 'verify-commit', commit]);
  if (run.status === 0) return;
  const said = run.stderr.trim();
  const why = said === '' ? 'it is not signed' : `git verify-commit rejects it: ${said.split('\n').slice(-2).join('; ')}`;
  throw new HacktreeError('SIGNATURE_INVALID', `${options.what} (commit ${commit}) has no valid signature by a key in ${options.allowedSigners}: ${why}`, {
    hint: 'the publisher must sign it ("hacktree root compose ... --sign KEY") with a key listed in the allowed-signers file; nothing was changed',
    data: { commit, allowedSigners: options.allowedSigners },
  });
}
