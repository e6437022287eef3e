import { statSync } from 'node:fs';
import { errnoOf } from '../../errors/errnoOf.js';

/** Whether a path is a directory (following symlinks); a missing path is not. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return false;
    throw err;
  }
}
