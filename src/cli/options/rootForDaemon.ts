import { basename, dirname, resolve } from 'node:path';
import { isHacktreeError } from '../../errors/HacktreeError.js';
import { parseRootName } from '../../model/root/rootName.js';
import type { RootTarget } from '../../root/deploy/resolveRootTarget.js';
import { rootOrEnvironment } from './rootOrEnvironment.js';

/**
 * rootOrEnvironment for a command whose root work the daemon does: a user who is not root cannot
 * read the deployment state that says a public path (PREFIX/root-NAME) is deployed, so the name
 * and prefix are taken from the path and `given` goes to the daemon, which checks it (NOT_DEPLOYED).
 */
export function rootForDaemon(option: string | undefined, prefixOption: string | undefined, command: string): RootTarget & { given: string } {
  const value = option ?? process.env.HACKTREE_ROOT;
  try {
    return { ...rootOrEnvironment(option, prefixOption, command), given: value! };
  } catch (err) {
    const leaf = value === undefined ? '' : basename(resolve(value));
    if (!isHacktreeError(err, 'NOT_PERMITTED') || !leaf.startsWith('root-')) throw err;
    const name = leaf.slice('root-'.length);
    parseRootName(name);
    return { name, prefix: dirname(resolve(value!)), given: resolve(value!) };
  }
}
