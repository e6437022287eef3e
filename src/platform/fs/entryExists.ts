import { lstatSync } from 'node:fs';
import { errnoOf } from '../../errors/errnoOf.js';

/**
 * Whether a path exists, not following a final symlink: `existsSync` follows it, and a raw
 * cache symlink's target ("usr/bin") means nothing where the raw cache keeps it.
 */
export function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (err) {
    // ENOTDIR: a path beneath a file is as absent as one beneath nothing.
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return false;
    throw err;
  }
}
