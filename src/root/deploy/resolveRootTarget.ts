import { basename, dirname, resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { parseRootName } from '../../model/root/rootName.js';
import { listDeployedRoots, publicPathOf, readDeployState } from './deploymentState.js';

/** The root a developer command works on, and the prefix its deployment is under. */
export interface RootTarget {
  name: string;
  prefix: string;
}

/**
 * A root as a developer names it (HACKTREE_ROOT, --root): a root name, or the public path of a
 * deployed root (PREFIX/root-NAME, as the design writes HACKTREE_ROOT), which also says the
 * prefix. A path that is not a deployed root is NOT_DEPLOYED naming the roots that are.
 */
export function resolveRootTarget(value: string, prefix: string): RootTarget {
  if (!value.includes('/')) {
    parseRootName(value);
    return { name: value, prefix };
  }
  const path = resolve(value);
  const pathPrefix = dirname(path);
  const leaf = basename(path);
  const name = leaf.startsWith('root-') ? leaf.slice('root-'.length) : null;
  if (name !== null && readDeployState(pathPrefix, name)?.current) return { name, prefix: pathPrefix };
  const deployed = [...new Set([pathPrefix, prefix])].flatMap((p) => listDeployedRoots(p).map((n) => publicPathOf(p, n)));
  throw new HacktreeError('NOT_DEPLOYED', `${value} is not the public path of a deployed root${deployed.length === 0 ? ': no root is deployed' : `; deployed: ${deployed.join(', ')}`}`, {
    hint: deployed.length === 0
      ? 'deploy one with "hacktree root checkout NAME", or name the root (e.g. HACKTREE_ROOT=3.2-runtime-opt-x86_64)'
      : `set HACKTREE_ROOT to one of those, or to a root name (e.g. ${basename(deployed[0]!).slice('root-'.length)})`,
    data: { path: value, deployed },
  });
}
