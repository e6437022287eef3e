import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';

export interface VerifyPayloadOptions {
  allowedSigners: string;
  /** The ssh-keygen -Y namespace the signer used. */
  namespace: string;
  /** Names the signed thing in the error. */
  what: string;
}

/**
 * Checks an SSH signature over bytes as `git verify-commit` checks a commit's: the signer must be
 * a principal of the allowed-signers file for this namespace (`ssh-keygen -Y find-principals`,
 * then `-Y verify`). Throws SIGNATURE_INVALID otherwise. Returns the principal.
 */
export function verifyPayloadSignature(payload: Buffer, signature: Buffer, options: VerifyPayloadOptions): string {
  // ssh-keygen reads the signature from a file; it is public, so the system's temp directory does.
  const dir = mkdtempSync(join(tmpdir(), 'hacktree-sig-'));
  try {
    const sigFile = join(dir, 'payload.sig');
    writeFileSync(sigFile, signature);
    const found = spawnSync('ssh-keygen', ['-Y', 'find-principals', '-s', sigFile, '-f', options.allowedSigners], { encoding: 'utf8' });
    const principal = found.status === 0 ? found.stdout.split('\n')[0]!.trim() : '';
    if (principal === '') throw invalid(options, found.error?.message ?? (found.stderr.trim() || 'no key in it made this signature'));
    const checked = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', options.allowedSigners, '-I', principal, '-n', options.namespace, '-s', sigFile], { input: payload, encoding: 'utf8' });
    if (checked.status !== 0) throw invalid(options, (checked.stderr.trim() || checked.stdout.trim()).split('\n').slice(-1)[0] ?? 'ssh-keygen -Y verify refused it');
    return principal;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function invalid(options: VerifyPayloadOptions, why: string): HacktreeError {
  return new HacktreeError('SIGNATURE_INVALID', `${options.what} has no valid signature (namespace "${options.namespace}") by a key in ${options.allowedSigners}: ${why}`, {
    hint: 'the publisher must sign it with a key listed in the allowed-signers file ("hacktree publish DIR --sign KEY"); nothing was changed',
    data: { allowedSigners: options.allowedSigners, namespace: options.namespace },
  });
}
