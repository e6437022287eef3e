import { HacktreeError } from '../../errors/HacktreeError.js';
import { resolvePrefix } from '../../root/deploy/resolvePrefix.js';
import { resolveRootTarget, type RootTarget } from '../../root/deploy/resolveRootTarget.js';

/**
 * The root a developer command works on: --root, else HACKTREE_ROOT (a root name, or the public
 * path of a deployed root, which also gives the prefix); neither is a usage error.
 */
export function rootOrEnvironment(option: string | undefined, prefixOption: string | undefined, command: string): RootTarget {
  const value = option ?? process.env.HACKTREE_ROOT;
  if (value === undefined || value === '') {
    throw new HacktreeError('USAGE', `${command} needs a root: give --root NAME or set HACKTREE_ROOT`, {
      hint: `e.g. HACKTREE_ROOT=/opt/hacktree/root-3.2-runtime-opt-x86_64 hacktree ${command} ..., or HACKTREE_ROOT=3.2-runtime-opt-x86_64`,
    });
  }
  return resolveRootTarget(value, resolvePrefix(prefixOption));
}
