import { createHash } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, ftruncateSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EntryMeta } from '../../model/snapshot/fsEntry.js';
import { objectHeader } from '../../model/git/gitObject.js';
import type { Oid } from '../../model/git/oid.js';
import { tempPath, translateWriteError } from '../repository/atomicWrite.js';
import { createChunkDeflater } from '../objects/deflateObject.js';
import { looseObjectPath } from '../objects/objectStore.js';
import { applyMetaToFd, rawObjectPath, type RawWriteOptions } from '../raw/rawCache.js';
import type { Repository } from '../repository/repository.js';
import { namingXattrSource } from '../../platform/fs/xattrRefused.js';

/**
 * Stores a blob of `size` bytes arriving in chunks (a big file read from disk, a big tar member)
 * in one streaming pass: each chunk goes to the hash, the deflate stream of the loose object and
 * the raw cache copy at once, so all three hold the same bytes and memory stays flat. All-zero
 * chunks become holes in the raw copy, so a sparse file (a VM image, a tar's sparse member)
 * stays sparse on disk. `shortBy()` is the error when the chunks end before `size` bytes.
 */
export async function storeStreamedBlob(
  repo: Repository,
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  options: {
    meta: EntryMeta;
    size: number;
    shortBy: () => unknown;
    /** Names the input in an XATTR_INVALID the raw copy's xattrs may meet (see namingXattrSource). */
    source?: string;
    /** Hears of the raw entry, when this call made it. */
    raw?: RawWriteOptions;
  },
): Promise<Oid> {
  const { meta, size } = options;
  const header = objectHeader('blob', size);
  const hash = createHash('sha1').update(header);
  // Their names are known only once the whole content is hashed, so big blobs stage in
  // hacktree/tmp; they are few, so the cross-directory rename costs nothing that matters.
  const looseTmp = tempPath(repo);
  const rawTmp = tempPath(repo);
  let looseFd: number | undefined;
  let rawFd: number | undefined;
  try {
    looseFd = openSync(looseTmp, 'wx', 0o600);
    rawFd = openSync(rawTmp, 'wx', 0o600);
    const out = looseFd;
    const deflate = createChunkDeflater((output) => writeAll(out, output, null));
    await deflate.write(header);
    let done = 0;
    for await (const chunk of chunks) {
      if (done + chunk.length > size) throw new RangeError(`blob content is longer than its ${size} bytes`);
      hash.update(chunk);
      if (!isZero(chunk)) writeAll(rawFd, chunk, done);
      await deflate.write(chunk);
      done += chunk.length;
    }
    if (done < size) throw options.shortBy();
    await deflate.end();
    ftruncateSync(rawFd, size); // the holes at the end
    const oid = hash.digest('hex') as Oid;
    const fd = rawFd;
    const applyMeta = () => applyMetaToFd(rawTmp, fd, meta);
    if (options.source === undefined) applyMeta();
    else namingXattrSource(options.source, applyMeta);
    fchmodSync(looseFd, 0o444);
    closeSync(looseFd);
    closeSync(rawFd);
    looseFd = rawFd = undefined;
    const loose = looseObjectPath(repo, oid);
    mkdirSync(dirname(loose), { recursive: true }); // a native `git gc` may have removed it
    if (!existsSync(loose)) renameSync(looseTmp, loose);
    const raw = rawObjectPath(repo, oid, meta);
    if (!existsSync(raw)) {
      renameSync(rawTmp, raw);
      options.raw?.created?.push(raw);
    }
    return oid;
  } catch (err) {
    throw translateWriteError(err, repo);
  } finally {
    if (looseFd !== undefined) closeSync(looseFd);
    if (rawFd !== undefined) closeSync(rawFd);
    rmSync(looseTmp, { force: true });
    rmSync(rawTmp, { force: true });
  }
}

const ZEROS = Buffer.alloc(64 * 1024);

function isZero(chunk: Buffer): boolean {
  for (let at = 0; at < chunk.length; at += ZEROS.length) {
    const end = Math.min(chunk.length, at + ZEROS.length);
    if (!chunk.subarray(at, end).equals(ZEROS.subarray(0, end - at))) return false;
  }
  return true;
}

/** Writes all of `chunk` at `position` (null: at the file's offset). */
function writeAll(fd: number, chunk: Buffer, position: number | null): void {
  for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off, chunk.length - off, position === null ? null : position + off);
}
