import { chmodSync, chownSync, mkdirSync, statSync } from 'node:fs';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { realDir, rootDeployDir } from './deploymentState.js';

/** Fails with PREFIX_INVALID unless `prefix` is an existing directory. */
export function checkPrefix(prefix: string): void {
  let isDir = false;
  try {
    isDir = statSync(prefix).isDirectory();
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT' && errnoOf(err) !== 'ENOTDIR') throw err;
    throw new HacktreeError('PREFIX_INVALID', `the deployment prefix ${prefix} does not exist`, {
      hint: `create it (mkdir -p ${prefix}), or choose another with --prefix, HACKTREE_PREFIX or "prefix = DIR" in /etc/hacktree/hacktree.conf`,
      data: { prefix },
    });
  }
  if (!isDir) {
    throw new HacktreeError('PREFIX_INVALID', `the deployment prefix ${prefix} is not a directory`, {
      hint: 'choose a directory with --prefix, HACKTREE_PREFIX or "prefix = DIR" in /etc/hacktree/hacktree.conf',
      data: { prefix },
    });
  }
}

/** PREFIX/.real (root-owned, 0700, enforced on every deploy) and PREFIX/.real/root-NAME. */
export function ensureRealDir(prefix: string, name: string): void {
  const real = realDir(prefix);
  mkdirSync(real, { mode: 0o700, recursive: true });
  chownSync(real, 0, 0);
  chmodSync(real, 0o700);
  mkdirSync(rootDeployDir(prefix, name), { mode: 0o700, recursive: true });
}
