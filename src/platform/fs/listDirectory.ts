import { readdirSync } from 'node:fs';
import { errnoOf } from '../../errors/errnoOf.js';

/** The names in a directory; none when it does not exist (or is not a directory). */
export function listDirectory(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return [];
    throw err;
  }
}
