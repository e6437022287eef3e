import { validateRefName } from '../../model/git/refName.js';
import { rootBranch } from '../../model/root/rootName.js';

/** The branch a root argument of push/pull names: "root-x" as given, "x" as root-x. */
export function remoteBranch(root: string): string {
  return validateRefName(root.startsWith('root-') ? root : rootBranch(root));
}
