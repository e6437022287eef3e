import { HacktreeError } from '../../errors/HacktreeError.js';

/** A remote's name: letters, digits, `-` and `_`, so it is a git config subsection and an environment variable part. */
export function validateRemoteName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name)) {
    throw new HacktreeError('USAGE', `"${name}" is not a valid remote name`, {
      hint: 'use letters, digits, "-" and "_" (at most 64), starting with a letter or digit',
      data: { remote: name },
    });
  }
  return name;
}

/** The environment variable prefix of a remote's credentials: HACKTREE_REMOTE_<NAME>_ with "-" as "_". */
export function remoteEnvPrefix(name: string): string {
  return `HACKTREE_REMOTE_${name.toUpperCase().replace(/-/g, '_')}_`;
}
