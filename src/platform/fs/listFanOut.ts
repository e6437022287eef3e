import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';

const FAN = /^[0-9a-f]{2}$/;

/**
 * The files of a fan-out directory (objects/ or hacktree/raw/), one fan at a time, so a walk
 * over 100k objects never holds all their names. Yields the fan and its file names.
 */
export async function* listFanOut(dir: string): AsyncGenerator<{ fan: string; names: string[] }> {
  let fans: string[];
  try {
    fans = (await readdir(dir)).filter((name) => FAN.test(name)).sort();
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return;
    throw err;
  }
  for (const fan of fans) {
    let names: string[];
    try {
      names = await readdir(join(dir, fan));
    } catch (err) {
      // A file in a fan-out directory's place holds no objects (fsck names it: verifyStoreDirectories).
      if (errnoOf(err) === 'ENOTDIR') continue;
      throw err;
    }
    if (names.length > 0) yield { fan, names: names.sort() };
  }
}
