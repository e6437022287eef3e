import { lstatSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';
import { writeFileAtomic } from './atomicWrite.js';
import type { Repository } from './repository.js';

/** What a rename or mkdir says when something else than a directory, or a directory, is in the way. */
const OBSTRUCTED = new Set(['EISDIR', 'ENOTDIR', 'ENOTEMPTY', 'EEXIST']);

/**
 * Writes a file of derived data below `root` (hacktree/statcache, which only hacktree writes),
 * atomically. A directory where the file goes, or a file where one of its directories goes
 * (damage, or a hand-made mess), is removed and the write tried once more: derived data is
 * made again at will, and a cache that could never be written again would only slow every
 * command down.
 */
export function writeDerivedFile(repo: Repository, root: string, path: string, chunks: readonly Uint8Array[]): void {
  const write = () => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic(repo, path, chunks);
  };
  try {
    write();
  } catch (err) {
    if (!OBSTRUCTED.has(errnoOf(err) ?? '')) throw err;
    clearWay(root, path);
    write();
  }
}

/** Removes whatever is not a directory on the way from `root` to `path`'s directory, and `path` if it is a directory. */
function clearWay(root: string, path: string): void {
  let at = root;
  const below = relative(root, dirname(path));
  for (const part of ['', ...(below === '' ? [] : below.split(sep))]) {
    if (part !== '') at = `${at}/${part}`;
    const stat = lstatSync(at, { throwIfNoEntry: false });
    if (stat === undefined) return;
    if (!stat.isDirectory()) return void rmSync(at, { force: true });
  }
  if (lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) rmSync(path, { recursive: true, force: true });
}
