import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { objectHeader } from '../../model/git/gitObject.js';
import type { Oid } from '../../model/git/oid.js';
import { fsPath } from '../../model/snapshot/pathBytes.js';

const CHUNK = 1 << 20;
let buffer: Buffer | undefined;

/**
 * The git blob id of a file's content (its path as pathBytes holds it), read in 1 MiB chunks so memory stays flat whatever its
 * size. Synchronous: far faster than a promise per read (docs/decisions/0007-synchronous-io.md).
 */
export function hashFileAsBlob(path: string): Oid {
  const fd = openSync(fsPath(path), 'r');
  try {
    const { size } = fstatSync(fd);
    const hash = createHash('sha1').update(objectHeader('blob', size));
    buffer ??= Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
    // A file that changed size while being read no longer matches the header: it hashes wrong,
    // which is the truth about it.
    return hash.digest('hex') as Oid;
  } finally {
    closeSync(fd);
  }
}
