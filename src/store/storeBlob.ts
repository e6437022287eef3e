import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import type { EntryMeta } from '../model/fsEntry.js';
import { hashObject, objectHeader } from '../model/gitObject.js';
import type { Oid } from '../model/oid.js';
import { looseObjectPath, writeFramedObject, writeObject } from './objectStore.js';
import { ensureRawObject } from './rawCache.js';
import type { Repository } from './repository.js';

/** Stores file content as a git blob and, with its metadata, in the raw cache. */
export function storeBlob(repo: Repository, content: Buffer, meta: EntryMeta): Oid {
  const oid = hashObject('blob', content);
  writeObject(repo, 'blob', content, oid);
  ensureRawObject(repo, oid, meta, content);
  return oid;
}

/**
 * Stores a file read from disk, read once straight into a framed git object buffer so the
 * content is never copied. Files are read whole: the largest in a root are tens of MB.
 */
export function storeFileBlob(repo: Repository, absPath: string, meta: EntryMeta, size: number): Oid {
  const header = objectHeader('blob', size);
  const framed = Buffer.allocUnsafe(header.length + size);
  header.copy(framed);
  const fd = openSync(absPath, 'r');
  try {
    let off = 0;
    while (off < size) {
      const n = readSync(fd, framed, header.length + off, size - off, null);
      if (n === 0) throw Object.assign(new Error(`${absPath} shrank while being read`), { code: 'ECHANGED' });
      off += n;
    }
  } finally {
    closeSync(fd);
  }
  const oid = createHash('sha1').update(framed).digest('hex') as Oid;
  const loose = looseObjectPath(repo, oid);
  if (!existsSync(loose)) writeFramedObject(repo, loose, framed);
  ensureRawObject(repo, oid, meta, framed.subarray(header.length));
  return oid;
}
