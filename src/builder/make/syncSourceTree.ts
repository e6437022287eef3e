import { chmodSync, copyFileSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync, utimesSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { errnoOf } from '../../errors/errnoOf.js';

export interface SyncSourceOptions {
  /** Absolute paths inside the source not to copy (the out directory when it is in the tree). */
  exclude: ReadonlySet<string>;
  /** The paths (relative, '/'-separated) the last sync into `dest` copied: what it may remove. */
  previous: readonly string[];
}

export interface SyncedSource {
  /** Every path copied or found up to date: the next sync's `previous`. */
  paths: string[];
  copied: number;
  removed: number;
}

/**
 * Brings a build's copy of a source tree up to date, for a build that runs again in the same
 * directory: each directory, file and symlink the source has is made or copied where it is new
 * or differs (type, size, mode, mtime to the millisecond, target), keeping its mtime, so make
 * sees exactly what the developer changed; what the last sync copied and the source no longer
 * has is removed; what the build made is left alone. `.git` directories are not copied.
 */
export function syncSourceTree(source: string, dest: string, options: SyncSourceOptions): SyncedSource {
  const paths: string[] = [];
  let copied = 0;
  const walk = (rel: string): void => {
    for (const entry of readdirSync(rel === '' ? source : join(source, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const from = join(source, path);
      if (entry.name === '.git' || options.exclude.has(from)) continue;
      const st = lstatSync(from);
      const to = join(dest, path);
      paths.push(path);
      if (st.isDirectory()) {
        mkdirSync(to, { recursive: true, mode: st.mode & 0o7777 });
        walk(path);
      } else if ((st.isFile() || st.isSymbolicLink()) && !upToDate(from, st, to)) {
        rmSync(to, { recursive: true, force: true });
        if (st.isSymbolicLink()) {
          symlinkSync(readlinkSync(from), to);
        } else {
          copyFileSync(from, to);
          chmodSync(to, st.mode & 0o7777);
          utimesSync(to, st.atime, st.mtime);
        }
        copied++;
      }
    }
  };
  mkdirSync(dest, { recursive: true });
  walk('');
  const kept = new Set(paths);
  const gone = options.previous.filter((p) => !kept.has(p)).sort().reverse();
  for (const path of gone) rmSync(join(dest, path), { recursive: true, force: true });
  return { paths, copied, removed: gone.length };
}

function upToDate(from: string, st: Stats, to: string): boolean {
  let there: Stats;
  try {
    there = lstatSync(to);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return false;
    throw err;
  }
  if (st.isSymbolicLink()) return there.isSymbolicLink() && readlinkSync(to) === readlinkSync(from);
  return there.isFile() && there.size === st.size && (there.mode & 0o7777) === (st.mode & 0o7777) && Math.round(there.mtimeMs) === Math.round(st.mtimeMs);
}
