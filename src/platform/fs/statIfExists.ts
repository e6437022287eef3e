import { lstatSync, statSync, type Stats } from 'node:fs';
import { errnoOf } from '../../errors/errnoOf.js';

/**
 * A path's stat (of a final symlink itself unless `followSymlinks`), or null when nothing is
 * there: ENOENT, or ENOTDIR (a path beneath a file is as absent as one beneath nothing).
 */
export function statIfExists(path: string, options: { followSymlinks: boolean }): Stats | null {
  try {
    return options.followSymlinks ? statSync(path) : lstatSync(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return null;
    throw err;
  }
}
