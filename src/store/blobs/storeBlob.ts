import { createHash } from 'node:crypto';
import { closeSync, existsSync, readSync } from 'node:fs';
import { errnoOf } from '../../errors/errnoOf.js';
import type { EntryMeta } from '../../model/snapshot/fsEntry.js';
import { hashObject, objectHeader } from '../../model/git/gitObject.js';
import type { Oid } from '../../model/git/oid.js';
import { fsPath, quotePath } from '../../model/snapshot/pathBytes.js';
import { looseObjectPath, writeFramedObject, writeObject } from '../objects/objectStore.js';
import type { PackWriter } from '../objects/packWriter.js';
import { nativeAddon } from '../../platform/native/nativeAddon.js';
import { ensureRawObject, type RawWriteOptions } from '../raw/rawCache.js';
import type { Repository } from '../repository/repository.js';
import { openRegularFile } from '../../platform/fs/openRegularFile.js';
import { sourceChanged } from './sourceChanged.js';
import { namingXattrSource } from '../../platform/fs/xattrRefused.js';

/** Stores file content as a git blob and, with its metadata, in the raw cache. */
export function storeBlob(repo: Repository, content: Buffer, meta: EntryMeta, options: RawWriteOptions = {}): Oid {
  const oid = hashObject('blob', content);
  writeObject(repo, 'blob', content, oid);
  ensureRawObject(repo, oid, meta, content, options);
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
  const read = readWhole(absPath, framed, header.length, size);
  if (read !== size) throw sourceChanged(absPath, read < 0 ? 'is no longer a regular file' : read < size ? 'shrank' : 'grew');
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
  namingXattrSource(quotePath(absPath), () => ensureRawObject(repo, oid, meta, content));
  return oid;
}

/**
 * Reads `size` bytes of a scanned file into buffer[at...]: the bytes read, fewer when it ends
 * sooner, size + 1 when it holds more, -1 when it is no regular file any more. A file removed
 * since the scan is SOURCE_CHANGED.
 */
function readWhole(absPath: string, buffer: Buffer, at: number, size: number): number {
  try {
    const native = nativeAddon();
    if (native) return native.readFileInto(fsPath(absPath), buffer, at, size);
    return readWholeInJavaScript(absPath, buffer, at, size);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') throw sourceChanged(absPath, 'vanished');
    throw err;
  }
}

function readWholeInJavaScript(absPath: string, buffer: Buffer, at: number, size: number): number {
  const opened = openRegularFile(fsPath(absPath));
  if (opened === null) throw sourceChanged(absPath, 'vanished');
  if ('notFile' in opened) return -1;
  const { fd } = opened;
  try {
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buffer, at + off, size - off, null);
      if (n === 0) break;
      off += n;
    }
    return off === size && readSync(fd, Buffer.alloc(1), 0, 1, null) > 0 ? size + 1 : off;
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
