import { closeSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { threadId } from 'node:worker_threads';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import type { Repository } from './repository.js';

let counter = 0;
// Worker threads share the pid and each has its own counter from 0, and the clock may give two
// threads the same reading: the thread id keeps their names apart (two blob workers once made
// the same name, and the second open failed with EEXIST).
const WRITER = `${process.pid}-${threadId}`;
const STAGED_WRITER = `${process.pid}_${threadId}`;

/** A fresh temporary name in the repository's staging directory (same filesystem as its targets). */
export function tempPath(repo: Repository): string {
  return join(repo.tmpDir, `${WRITER}-${process.hrtime.bigint()}-${counter++}`);
}

/**
 * Temporary files of objects and raw entries carry git's own prefix for temporary objects
 * (native git fsck ignores them) and the writer's pid, so fsck can remove a dead writer's.
 */
export const TEMP_OBJECT_PREFIX = 'tmp_obj_';

/**
 * A fresh temporary name in the target's own directory. Objects and raw entries are staged
 * there, not in hacktree/tmp: renames across directories serialize on the filesystem's rename
 * lock, and two workers creating every temp file in one directory contended on it
 * (docs/decisions/0005-temp-files-beside-target.md).
 */
export function tempPathBeside(target: string): string {
  // The target's directory by slicing, not dirname + join: this runs for every raw file a commit writes.
  return `${target.slice(0, target.lastIndexOf('/') + 1)}${TEMP_OBJECT_PREFIX}${STAGED_WRITER}_${process.hrtime.bigint()}_${counter++}`;
}

/**
 * Writes `chunks` to a temporary file, lets `prepare` set owner/mode/xattrs on it, then renames
 * it over `target`: readers see the whole file or nothing. ENOSPC becomes NO_SPACE; the
 * temporary file never stays behind.
 */
export function writeFileAtomic(
  repo: Repository,
  target: string,
  chunks: readonly Uint8Array[],
  prepare?: (tmp: string, fd: number) => void,
  placement: 'staging' | 'beside' = 'staging',
): void {
  const tmp = placement === 'beside' ? tempPathBeside(target) : tempPath(repo);
  let fd: number | undefined;
  try {
    fd = openBeside(tmp);
    for (const chunk of chunks) {
      let off = 0;
      while (off < chunk.byteLength) off += writeSync(fd, chunk, off);
    }
    prepare?.(tmp, fd);
    closeSync(fd);
    fd = undefined;
    renameInto(tmp, target);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch (cleanupErr) {
      if (errnoOf(cleanupErr) !== 'ENOENT' && errnoOf(cleanupErr) !== 'ENOTDIR') throw cleanupErr;
    }
    throw translateWriteError(err, repo);
  }
}

function openBeside(tmp: string): number {
  try {
    return openSync(tmp, 'wx', 0o600);
  } catch (err) {
    // Staged beside its target, in a fan-out directory `git gc` may have removed: recreate it.
    if (errnoOf(err) !== 'ENOENT') throw err;
    mkdirSync(dirname(tmp), { recursive: true });
    return openSync(tmp, 'wx', 0o600);
  }
}

function renameInto(tmp: string, target: string): void {
  try {
    renameSync(tmp, target);
  } catch (err) {
    // `git gc` removes empty fan-out directories: recreate and retry once.
    if (errnoOf(err) !== 'ENOENT') throw err;
    mkdirSync(dirname(target), { recursive: true });
    renameSync(tmp, target);
  }
}

/**
 * A write's failure as the user should see it: ENOSPC and EDQUOT are NO_SPACE; ENOTDIR on a
 * path inside the repository (a file where one of hacktree's directories should be) is
 * REPO_DAMAGED naming that file. Anything else is returned as it is.
 */
export function translateWriteError(err: unknown, repo: Repository): unknown {
  const errno = errnoOf(err);
  const path = (err as { path?: unknown } | null)?.path;
  if (errno === 'ENOTDIR' && typeof path === 'string') {
    const blocker = firstNonDirectory(repo.dir, path);
    if (blocker !== null) {
      return new HacktreeError('REPO_DAMAGED', `${blocker} in the repository is not a directory, and hacktree keeps files in it`, {
        hint: `"hacktree fsck --repair --repo ${repo.dir}" puts its own directories back (the raw cache and staging hold derived data)`,
        data: { repo: repo.dir, path: blocker },
        cause: err,
      });
    }
  }
  if (errno === 'ENOSPC' || errno === 'EDQUOT') {
    return new HacktreeError('NO_SPACE', `no space left on the device holding ${repo.dir}`, {
      hint: 'free some space (or "hacktree prune") and run the command again; nothing was recorded',
      data: { repo: repo.dir },
      cause: err,
    });
  }
  return err;
}

/** The first path from `root` (exclusive) down to `path`'s parent that exists and is no directory; null if none. */
function firstNonDirectory(root: string, path: string): string | null {
  const rel = relative(root, dirname(path));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  let at = root;
  for (const part of rel.split(sep)) {
    at = join(at, part);
    const stat = lstatSync(at, { throwIfNoEntry: false });
    if (stat === undefined) return null;
    if (!stat.isDirectory()) return at;
  }
  return null;
}
