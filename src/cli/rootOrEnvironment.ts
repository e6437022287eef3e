import { HacktreeError } from '../errors/HacktreeError.js';

/** The root a developer command works on: --root, else HACKTREE_ROOT; neither is a usage error. */
export function rootOrEnvironment(option: string | undefined, command: string): string {
  const name = option ?? process.env.HACKTREE_ROOT;
  if (name === undefined || name === '') {
    throw new HacktreeError('USAGE', `${command} needs a root: give --root NAME or set HACKTREE_ROOT`, {
      hint: `e.g. HACKTREE_ROOT=3.2-devel-debug-x86_64 hacktree ${command} ...`,
    });
  }
  return name;
}
