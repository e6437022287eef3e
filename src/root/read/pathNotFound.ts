import { HacktreeError } from '../../errors/HacktreeError.js';
import { displayRootPath } from '../../model/root/parseRootPath.js';
import { parentOf, TOP, type RepoPath } from '../../model/snapshot/repoPath.js';

/** PATH_NOT_FOUND for a path inside a root, pointing at its parent directory. */
export function pathNotFound(root: string, path: RepoPath): HacktreeError {
  const parent = path === TOP ? TOP : parentOf(path);
  return new HacktreeError('PATH_NOT_FOUND', `${displayRootPath(path)} does not exist in ${root}`, {
    hint: `see what is there with "hacktree root ls ${root} ${displayRootPath(parent)}"`,
    data: { root, path },
  });
}
