import { createHash } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EntryMeta } from '../model/fsEntry.js';
import { objectHeader } from '../model/gitObject.js';
import type { Oid } from '../model/oid.js';
import { fsPath, quotePath } from '../model/pathBytes.js';
import { tempPath, translateWriteError } from './atomicWrite.js';
import { createChunkDeflater } from './deflateObject.js';
import { looseObjectPath } from './objectStore.js';
import { applyMetaToFd, rawObjectPath } from './rawCache.js';
import type { Repository } from './repository.js';
import { openRegularFile } from './openRegularFile.js';
import { sourceChanged } from './sourceChanged.js';
import { namingXattrSource } from './xattrRefused.js';

const CHUNK = 1 << 20;

/**
 * Stores a big file in one streaming pass: each 1 MiB chunk goes to the hash, the deflate
 * stream of the loose object and the raw cache copy at once, so all three hold the same bytes
 * and memory stays flat (whole-file buffers of 30+ MB files in two workers pushed a W1 commit
 * near its 400 MB budget).
 */
export async function storeLargeFileBlob(repo: Repository, absPath: string, meta: EntryMeta, size: number): Promise<Oid> {
  const header = objectHeader('blob', size);
  const hash = createHash('sha1').update(header);
  // Their names are known only once the whole file is hashed, so big files stage in
  // hacktree/tmp; they are few, so the cross-directory rename costs nothing that matters.
  const looseTmp = tempPath(repo);
  const rawTmp = tempPath(repo);
  const source = openSource(absPath);
  let looseFd: number | undefined;
  let rawFd: number | undefined;
  try {
    looseFd = openSync(looseTmp, 'wx', 0o600);
    rawFd = openSync(rawTmp, 'wx', 0o600);
    const out = looseFd;
    const deflate = createChunkDeflater((output) => writeAll(out, output));
    await deflate.write(header);
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let done = 0; done < size; ) {
      const n = readSync(source, buffer, 0, Math.min(CHUNK, size - done), null);
      if (n === 0) throw sourceChanged(absPath, 'shrank');
      const chunk = buffer.subarray(0, n);
      hash.update(chunk);
      writeAll(rawFd, chunk);
      await deflate.write(chunk);
      done += n;
    }
    if (readSync(source, buffer, 0, 1, null) > 0) throw sourceChanged(absPath, 'grew');
    await deflate.end();
    const oid = hash.digest('hex') as Oid;
    namingXattrSource(quotePath(absPath), () => applyMetaToFd(rawTmp, rawFd!, meta));
    fchmodSync(looseFd, 0o444);
    closeSync(looseFd);
    closeSync(rawFd);
    looseFd = rawFd = undefined;
    const loose = looseObjectPath(repo, oid);
    mkdirSync(dirname(loose), { recursive: true }); // a native `git gc` may have removed it
    if (!existsSync(loose)) renameSync(looseTmp, loose);
    const raw = rawObjectPath(repo, oid, meta);
    if (!existsSync(raw)) renameSync(rawTmp, raw);
    return oid;
  } catch (err) {
    throw translateWriteError(err, repo);
  } finally {
    closeSync(source);
    if (looseFd !== undefined) closeSync(looseFd);
    if (rawFd !== undefined) closeSync(rawFd);
    rmSync(looseTmp, { force: true });
    rmSync(rawTmp, { force: true });
  }
}

/** The scanned file, opened without waiting on a fifo that took its place. */
function openSource(absPath: string): number {
  const opened = openRegularFile(fsPath(absPath));
  if (opened === null) throw sourceChanged(absPath, 'vanished');
  if ('notFile' in opened) throw sourceChanged(absPath, 'is no longer a regular file');
  return opened.fd;
}

function writeAll(fd: number, chunk: Buffer): void {
  for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off);
}
