import { closeSync, readSync } from 'node:fs';
import type { EntryMeta } from '../../model/snapshot/fsEntry.js';
import type { Oid } from '../../model/git/oid.js';
import { fsPath, quotePath } from '../../model/snapshot/pathBytes.js';
import { openRegularFile } from '../../platform/fs/openRegularFile.js';
import type { Repository } from '../repository/repository.js';
import { sourceChanged } from './sourceChanged.js';
import { storeStreamedBlob } from './storeStreamedBlob.js';

const CHUNK = 1 << 20;

/**
 * Stores a big file from disk in 1 MiB chunks, so a commit's memory stays flat whatever the file
 * sizes (docs/decisions/0008-commit-pipeline.md); see storeStreamedBlob.
 */
export async function storeLargeFileBlob(repo: Repository, absPath: string, meta: EntryMeta, size: number): Promise<Oid> {
  const source = openSource(absPath);
  try {
    return await storeStreamedBlob(repo, fileChunks(source, absPath, size), { meta, size, shortBy: () => sourceChanged(absPath, 'shrank'), source: quotePath(absPath) });
  } finally {
    closeSync(source);
  }
}

/** The file's `size` bytes in chunks; SOURCE_CHANGED when it turns out shorter or longer. */
function* fileChunks(fd: number, absPath: string, size: number): Generator<Buffer> {
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (let done = 0; done < size; ) {
    const n = readSync(fd, buffer, 0, Math.min(CHUNK, size - done), null);
    if (n === 0) throw sourceChanged(absPath, 'shrank');
    done += n;
    yield buffer.subarray(0, n);
  }
  if (readSync(fd, buffer, 0, 1, null) > 0) throw sourceChanged(absPath, 'grew');
}

/** The scanned file, opened without waiting on a fifo that took its place. */
function openSource(absPath: string): number {
  const opened = openRegularFile(fsPath(absPath));
  if (opened === null) throw sourceChanged(absPath, 'vanished');
  if ('notFile' in opened) throw sourceChanged(absPath, 'is no longer a regular file');
  return opened.fd;
}
