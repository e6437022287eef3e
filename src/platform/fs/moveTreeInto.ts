import { lstatSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';

/**
 * Moves everything in `from` into `to` (both real directories on one filesystem), merging
 * directories present in both and replacing anything else, as extracting over `to` would; but
 * never following a symlink already in `to`: an entry where `to` holds a symlink replaces the
 * symlink. `from` is removed.
 */
export function moveTreeInto(from: string, to: string): void {
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    const target = join(to, name);
    const existing = lstatOrUndefined(target);
    if (existing?.isDirectory() && lstatSync(source).isDirectory()) {
      moveTreeInto(source, target);
      continue;
    }
    if (existing) rmSync(target, { recursive: true, force: true });
    renameSync(source, target);
  }
  rmdirSync(from);
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}
