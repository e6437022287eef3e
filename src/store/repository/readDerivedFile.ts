import { closeSync, readSync } from 'node:fs';
import { openRegularFile } from '../../platform/fs/openRegularFile.js';

/**
 * The bytes of a file of derived data (hacktree/statcache), or null when there is none to use:
 * absent, or something else in its place (a directory, a fifo: opened without blocking), which
 * a cache treats as a miss and writeDerivedFile replaces.
 */
export function readDerivedFile(path: string): Buffer | null {
  const opened = openRegularFile(path);
  if (opened === null || 'notFile' in opened) return null;
  try {
    const buffer = Buffer.allocUnsafe(opened.size);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(opened.fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(opened.fd);
  }
}
