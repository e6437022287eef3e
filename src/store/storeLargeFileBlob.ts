import { closeSync, openSync, readSync } from 'node:fs';
import type { EntryMeta } from '../model/fsEntry.js';
import type { Oid } from '../model/oid.js';
import { fsPath } from '../model/pathBytes.js';
import type { Repository } from './repository.js';
import { sourceShrank } from './sourceShrank.js';
import { storeStreamedBlob } from './storeStreamedBlob.js';

const CHUNK = 1 << 20;

/**
 * Stores a big file from disk in 1 MiB chunks (whole-file buffers of 30+ MB files in two
 * workers pushed a W1 commit near its 400 MB budget); see storeStreamedBlob.
 */
export async function storeLargeFileBlob(repo: Repository, absPath: string, meta: EntryMeta, size: number): Promise<Oid> {
  const source = openSync(fsPath(absPath), 'r');
  try {
    return await storeStreamedBlob(repo, fileChunks(source, absPath, size), { meta, size, shortBy: () => sourceShrank(absPath) });
  } finally {
    closeSync(source);
  }
}

function* fileChunks(fd: number, absPath: string, size: number): Generator<Buffer> {
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (let done = 0; done < size; ) {
    const n = readSync(fd, buffer, 0, Math.min(CHUNK, size - done), null);
    if (n === 0) throw sourceShrank(absPath);
    done += n;
    yield buffer.subarray(0, n);
  }
}
