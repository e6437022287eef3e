import { constants, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { splitRdev } from '../../model/snapshot/deviceNumbers.js';
import type { MetaLine } from '../../model/snapshot/metaRecord.js';
import { gitSpecialFileProblem } from '../../model/git/gitSpecialFileProblem.js';
import { fsPath, quotePath } from '../../model/snapshot/pathBytes.js';
import {
  compareRepoPaths, entryKindProblem, isGitSpecialFileName, joinRepoPath, nameProblem, pathLengthProblem, TOP, type RepoPath,
} from '../../model/snapshot/repoPath.js';
import { lstatEntry, readDirectoryEntries, type DirectoryEntry } from '../../platform/fs/readDirectoryEntries.js';

const { S_IFMT, S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO, S_IFCHR, S_IFBLK } = constants;

/** An entry found on disk: its meta line plus where it is and the stat facts a cache keys on. */
export type ScannedEntry = MetaLine & {
  /** As pathBytes holds it (fsPath gives node:fs its bytes). */
  absPath: string;
  /** "dev:ino" (see DirectoryEntry). */
  identity: string;
  nlink: number;
  /** "mtimeNs:ctimeNs" (see DirectoryEntry). */
  stamp: string;
};

/**
 * Walks a directory without following symlinks and returns every entry, "." first, sorted
 * by path. Sync on purpose: faster than promise fs for many small stats (docs/decisions/0007-synchronous-io.md).
 * `onFileBytes` hears the regular files' bytes found so far after each directory read.
 */
export function scanDirectory(rootArg: string, options: { onFileBytes?: (total: number) => void } = {}): ScannedEntry[] {
  const { onFileBytes } = options;
  let fileBytes = 0;
  // Absolute and normalized once, so that each entry's path is a concatenation: path.join's
  // normalizing per entry showed in the scan (docs/decisions/0010-per-entry-code.md).
  const rootDir = resolve(rootArg);
  let top: DirectoryEntry;
  try {
    top = lstatEntry(rootDir, '');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') {
      throw new HacktreeError('SOURCE_NOT_FOUND', `directory ${rootArg} does not exist`, {
        hint: 'check the directory path you gave',
        data: { path: rootArg },
      });
    }
    throw err;
  }
  if ((top.mode & S_IFMT) !== S_IFDIR) {
    throw new HacktreeError('SOURCE_NOT_FOUND', `${rootArg} is not a directory`, { hint: 'give a directory', data: { path: rootArg } });
  }
  const out: ScannedEntry[] = [];
  const pending: Array<[RepoPath, string]> = [[TOP, rootDir]];
  out.push(toEntry(TOP, rootDir, top));
  while (pending.length > 0) {
    const [dirPath, dirAbs] = pending.pop()!;
    for (const found of readDirectoryEntries(dirAbs)) {
      const { name } = found;
      const abs = dirAbs === '/' ? `/${name}` : `${dirAbs}/${name}`;
      const path = joinRepoPath(dirPath, name);
      const type = found.mode & S_IFMT;
      checkEntry(path, abs, type);
      out.push(toEntry(path, abs, found));
      if (type === S_IFDIR) pending.push([path, abs]);
      else if (type === S_IFREG) fileBytes += found.size;
    }
    onFileBytes?.(fileBytes);
  }
  out.sort((a, b) => compareRepoPaths(a.path, b.path));
  return out;
}

/**
 * Refuses, before anything is stored, what git's fsck or a checkout would refuse later: an
 * unsafe or too long name or path, a .gitmodules symlink or directory, a .gitmodules or
 * .gitattributes whose content git's fsck refuses (see repoPath and gitSpecialFileProblem).
 */
function checkEntry(path: RepoPath, abs: string, type: number): void {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const problem = nameProblem(name);
  if (problem) refuse(problem.code, abs, `: the name ${quotePath(name)} ${problem.why}`, 'rename or remove it before committing');
  const tooLong = pathLengthProblem(path);
  if (tooLong) refuse('NAME_TOO_LONG', abs, `: its path inside the tree ${tooLong}`, 'move it higher up or shorten its directories\' names');
  const kind = type === S_IFLNK ? 'symlink' : type === S_IFDIR ? 'dir' : type === S_IFREG ? 'file' : 'other';
  const kindProblem = entryKindProblem(path, kind);
  if (kindProblem) refuse('UNSAFE_PATH', abs, ` ${kindProblem}`, 'rename it, or make it a regular file, before committing');
  if (kind === 'file' && isGitSpecialFileName(name)) {
    const contentProblem = gitSpecialFileProblem(name, readFileSync(fsPath(abs)));
    if (contentProblem) refuse('UNSAFE_PATH', abs, ` ${contentProblem}`, 'fix or remove that setting (or the file) before committing');
  }
}

/** Throws `code` with the message "ABS" + `rest`. */
function refuse(code: 'UNSAFE_PATH' | 'NAME_TOO_LONG', abs: string, rest: string, hint: string): never {
  throw new HacktreeError(code, `${quotePath(abs)}${rest}`, { hint, data: { path: abs } });
}

/** Built field by field per kind, not from a shared base spread into each: docs/decisions/0010-per-entry-code.md. */
function toEntry(path: RepoPath, absPath: string, found: DirectoryEntry): ScannedEntry {
  const { uid, gid, xattrs, identity, nlink, stamp } = found;
  const mode = found.mode & 0o7777;
  switch (found.mode & S_IFMT) {
    case S_IFREG: return { kind: 'file', path, absPath, mode, uid, gid, xattrs, identity, nlink, stamp, size: found.size };
    case S_IFDIR: return { kind: 'dir', path, absPath, mode, uid, gid, xattrs, identity, nlink, stamp };
    case S_IFLNK: return { kind: 'symlink', path, absPath, mode, uid, gid, xattrs, identity, nlink, stamp, target: found.target! };
    case S_IFIFO: return { kind: 'fifo', path, absPath, mode, uid, gid, xattrs, identity, nlink, stamp };
    case S_IFCHR: return { kind: 'chardev', path, absPath, mode, uid, gid, xattrs, identity, nlink, stamp, ...splitRdev(BigInt(found.rdev)) };
    case S_IFBLK: return { kind: 'blockdev', path, absPath, mode, uid, gid, xattrs, identity, nlink, stamp, ...splitRdev(BigInt(found.rdev)) };
  }
  throw new HacktreeError('UNSUPPORTED_FILE_TYPE', `${absPath} is a socket, which a root cannot carry`, {
    hint: 'remove the socket (it belongs to a running program) and commit again',
    data: { path: absPath },
  });
}
