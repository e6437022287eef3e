import { lstatSync, readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { HacktreeError } from '../errors/HacktreeError.js';
import { errnoOf } from '../errors/errnoOf.js';
import { splitRdev } from '../model/deviceNumbers.js';
import type { MetaLine } from '../model/metaRecord.js';
import { compareRepoPaths, isGitmodulesSymlink, isSafeName, joinRepoPath, TOP, type RepoPath } from '../model/repoPath.js';
import { readXattrs } from './readXattrs.js';

/** An entry found on disk: its meta line plus where it is and the stat facts a cache keys on. */
export type ScannedEntry = MetaLine & {
  absPath: string;
  dev: bigint;
  ino: bigint;
  nlink: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
};

/**
 * Walks a directory without following symlinks and returns every entry, "." first, sorted
 * by path. Sync on purpose: measured ~1.7x faster than promise fs for many small stats.
 */
export function scanDirectory(rootDir: string): ScannedEntry[] {
  let top: BigIntStats;
  try {
    top = lstatSync(rootDir, { bigint: true });
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') {
      throw new HacktreeError('SOURCE_NOT_FOUND', `directory ${rootDir} does not exist`, {
        hint: 'check the directory path you gave',
        data: { path: rootDir },
      });
    }
    throw err;
  }
  if (!top.isDirectory()) {
    throw new HacktreeError('SOURCE_NOT_FOUND', `${rootDir} is not a directory`, { hint: 'give a directory', data: { path: rootDir } });
  }
  const out: ScannedEntry[] = [];
  const pending: Array<[RepoPath, string]> = [[TOP, rootDir]];
  out.push(toEntry(TOP, rootDir, top));
  while (pending.length > 0) {
    const [dirPath, dirAbs] = pending.pop()!;
    for (const name of readdirSync(dirAbs)) {
      if (!isSafeName(name)) {
        throw new HacktreeError('UNSAFE_PATH', `${join(dirAbs, name)}: the name "${name}" cannot be stored in git`, {
          hint: 'rename or remove it before committing',
        });
      }
      const abs = join(dirAbs, name);
      const path = joinRepoPath(dirPath, name);
      const st = lstatSync(abs, { bigint: true });
      if (st.isSymbolicLink() && isGitmodulesSymlink(path, 'symlink')) {
        throw new HacktreeError('UNSAFE_PATH', `${abs} is a symlink named .gitmodules, which git refuses to store`, {
          hint: 'replace it with a regular file, or remove it before committing',
          data: { path: abs },
        });
      }
      out.push(toEntry(path, abs, st));
      if (st.isDirectory()) pending.push([path, abs]);
    }
  }
  out.sort((a, b) => compareRepoPaths(a.path, b.path));
  return out;
}

function toEntry(path: RepoPath, absPath: string, st: BigIntStats): ScannedEntry {
  const base = {
    path,
    absPath,
    mode: Number(st.mode & 0o7777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
    xattrs: readXattrs(absPath),
    dev: st.dev,
    ino: st.ino,
    nlink: Number(st.nlink),
    mtimeNs: st.mtimeNs,
    ctimeNs: st.ctimeNs,
  };
  if (st.isFile()) return { ...base, kind: 'file', size: Number(st.size) };
  if (st.isDirectory()) return { ...base, kind: 'dir' };
  if (st.isSymbolicLink()) return { ...base, kind: 'symlink', target: readlinkSync(absPath) };
  if (st.isFIFO()) return { ...base, kind: 'fifo' };
  if (st.isCharacterDevice() || st.isBlockDevice()) {
    return { ...base, kind: st.isCharacterDevice() ? 'chardev' : 'blockdev', ...splitRdev(st.rdev) };
  }
  throw new HacktreeError('UNSUPPORTED_FILE_TYPE', `${absPath} is a socket, which a root cannot carry`, {
    hint: 'remove the socket (it belongs to a running program) and commit again',
    data: { path: absPath },
  });
}
