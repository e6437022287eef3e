import { closeSync, constants, fstatSync, openSync, type Stats } from 'node:fs';
import { errnoOf } from '../../errors/errnoOf.js';

export type OpenedFile = { fd: number; size: number } | { notFile: string };

/**
 * Opens a file of the store (a loose object, a cache file) for reading, as long as it is a
 * regular file: O_NONBLOCK, so a fifo put in its place does not hang the reader, then fstat.
 * Returns what is there instead ("a directory", "a fifo"…) when it is not a regular file, and
 * null when nothing is (ENOENT, or ENOTDIR: a file where a directory of the path should be).
 */
export function openRegularFile(path: string | Buffer): OpenedFile | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const errno = errnoOf(err);
    if (errno === 'ENOENT' || errno === 'ENOTDIR') return null;
    // A socket cannot be opened at all.
    if (errno === 'ENXIO') return { notFile: 'a socket' };
    throw err;
  }
  const stat = fstatSync(fd);
  if (stat.isFile()) return { fd, size: stat.size };
  closeSync(fd);
  return { notFile: describeNonFile(stat) };
}

export function describeNonFile(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a fifo';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}
