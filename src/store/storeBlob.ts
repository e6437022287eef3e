import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import type { EntryMeta } from '../model/fsEntry.js';
import { hashObject, objectHeader } from '../model/gitObject.js';
import type { Oid } from '../model/oid.js';
import { fsPath } from '../model/pathBytes.js';
import { looseObjectPath, writeFramedObject, writeObject } from './objectStore.js';
import type { PackWriter } from './packWriter.js';
import { nativeAddon } from './nativeAddon.js';
import { ensureRawObject } from './rawCache.js';
import type { Repository } from './repository.js';
import { sourceShrank } from './sourceShrank.js';

/** Stores file content as a git blob and, with its metadata, in the raw cache. */
export function storeBlob(repo: Repository, content: Buffer, meta: EntryMeta): Oid {
  const oid = hashObject('blob', content);
  writeObject(repo, 'blob', content, oid);
  ensureRawObject(repo, oid, meta, content);
  return oid;
}

// One read buffer per thread, grown to the largest small file seen (see LARGE_FILE_BYTES).
let scratch = Buffer.alloc(0);

/**
 * Stores a file read from disk, read once straight into a framed git object buffer so the
 * content is never copied. Files are read whole: the largest in a root are tens of MB. With
 * `pack`, the blob goes into that pack (unless stored already) rather than a loose object.
 */
export function storeFileBlob(repo: Repository, absPath: string, meta: EntryMeta, size: number, pack?: PackWriter): Oid {
  const header = objectHeader('blob', size);
  if (scratch.length < header.length + size) scratch = Buffer.allocUnsafe(Math.max(header.length + size, 1 << 20));
  const framed = scratch.subarray(0, header.length + size);
  header.copy(framed);
  if (readWhole(absPath, framed, header.length, size) < size) throw sourceShrank(absPath);
  const oid = createHash('sha1').update(framed).digest('hex') as Oid;
  const content = framed.subarray(header.length);
  // Not skipped when the raw file exists: a killed commit leaves raw files whose blobs were in
  // its unfinished pack.
  if (pack) {
    pack.add(oid, 'blob', content);
  } else {
    const loose = looseObjectPath(repo, oid);
    if (!existsSync(loose)) writeFramedObject(repo, loose, framed);
  }
  ensureRawObject(repo, oid, meta, content);
  return oid;
}

/** Reads `size` bytes of a file into buffer[at...]: the bytes read, fewer when it ends sooner. */
function readWhole(absPath: string, buffer: Buffer, at: number, size: number): number {
  const native = nativeAddon();
  if (native) return native.readFileInto(fsPath(absPath), buffer, at, size);
  const fd = openSync(fsPath(absPath), 'r');
  try {
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buffer, at + off, size - off, null);
      if (n === 0) break;
      off += n;
    }
    return off;
  } finally {
    closeSync(fd);
  }
}

/** Above this size a file is streamed in chunks rather than read whole. */
export const LARGE_FILE_BYTES = 8 << 20;

/**
 * Stores a file from disk: small ones read whole (fast; into `pack` when given), large ones
 * streamed (bounded memory) as loose objects.
 */
export async function storeAnyFileBlob(repo: Repository, absPath: string, meta: EntryMeta, size: number, pack?: PackWriter): Promise<Oid> {
  if (size <= LARGE_FILE_BYTES) return storeFileBlob(repo, absPath, meta, size, pack);
  const { storeLargeFileBlob } = await import('./storeLargeFileBlob.js');
  return storeLargeFileBlob(repo, absPath, meta, size);
}
