import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';

/**
 * Signs a commit payload as `git commit -S` with gpg.format=ssh does: `ssh-keygen -Y sign -n git`
 * with the key file, the armored "SSH SIGNATURE" going into the commit's gpgsig header. The
 * payload travels on stdin; the key stays a path (an encrypted key needs ssh-agent). Another
 * `namespace` signs something else (a static repository's index), which git would not accept.
 */
export function signPayload(payload: Buffer, keyFile: string, namespace = 'git'): string {
  const key = resolve(keyFile);
  if (!existsSync(key)) {
    throw new HacktreeError('SOURCE_NOT_FOUND', `signing key ${key} does not exist`, {
      hint: 'give an SSH private key file (ssh-keygen -t ed25519 -f KEY makes one)',
      data: { path: key },
    });
  }
  const run = spawnSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', namespace, '-f', key], { input: payload, encoding: 'utf8' });
  if (run.error || run.status !== 0 || !run.stdout.includes('BEGIN SSH SIGNATURE')) {
    throw new HacktreeError('SIGNATURE_INVALID', `could not sign with ${key}: ${(run.error?.message ?? run.stderr).trim() || `ssh-keygen exited ${run.status}`}`, {
      hint: 'the key must be an SSH private key readable by hacktree, without a passphrase or loaded in ssh-agent; ssh-keygen comes with openssh-client',
      data: { path: key },
    });
  }
  return run.stdout;
}
