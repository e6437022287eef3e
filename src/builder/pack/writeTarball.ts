import { createHash } from 'node:crypto';
import { open, readFile, rm, rename, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { createNewFileStream } from '../../platform/fs/createNewFileStream.js';
import { encodeMemberHeaders } from '../../model/tar/encodeMemberHeaders.js';
import { fsPath, quotePath } from '../../model/snapshot/pathBytes.js';
import { BLOCK_SIZE } from '../../model/tar/tarHeader.js';
import type { TarMember } from '../../model/tar/tarMember.js';

/**
 * hacktree writes tarballs with its own codec, not node-tar: node-tar's pax parser drops
 * SCHILY.xattr.* records and truncates values at NUL, so binary xattrs (security.capability)
 * would not round-trip through our own reader or GNU tar --xattrs.
 */

/** A member to write; a file's content is read from `source` (an absolute path, as pathBytes holds it). */
export type TarMemberSource = TarMember & { source?: string };

export interface WrittenTarball {
  path: string;
  /** Of the compressed file, hex. */
  sha256: string;
  size: number;
}

/** Files up to this size are read whole; larger ones stream in pieces of this size. */
const PIECE = 1024 * 1024;
/** Small writes are batched to this size before they reach gzip. */
const BATCH = 256 * 1024;
const ZERO_BLOCKS = Buffer.alloc(2 * BLOCK_SIZE);

let tempCounter = 0;

/**
 * Writes members in the given order as a gzipped tar: numeric owners, empty user/group names,
 * every mtime `options.mtime`, gzip without a timestamp, so the same members give the same
 * bytes. The tarball appears at `outPath` whole or not at all.
 */
export async function writeTarball(
  outPath: string,
  members: Iterable<TarMemberSource>,
  options: { mtime: number },
): Promise<WrittenTarball> {
  if (!Number.isSafeInteger(options.mtime) || options.mtime < 0) {
    throw new RangeError(`mtime ${options.mtime} is not a non-negative whole number of seconds`);
  }
  const tmp = join(dirname(outPath), `.${basename(outPath)}.${process.pid}.${tempCounter++}.tmp`);
  const hash = createHash('sha256');
  let size = 0;
  try {
    await pipeline(
      tarStream(members, options.mtime),
      createGzip(),
      async function* hashAndCount(compressed: AsyncIterable<Buffer>) {
        for await (const chunk of compressed) {
          hash.update(chunk);
          size += chunk.length;
          yield chunk;
        }
      },
      // flush: fsync before close, so the rename never publishes a file still only in the page cache.
      createNewFileStream(tmp, { flush: true }),
    );
    await rename(tmp, outPath);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return { path: outPath, sha256: hash.digest('hex'), size };
}

/** The uncompressed tar: headers, content, padding, and the two zero blocks that end it. */
async function* tarStream(members: Iterable<TarMemberSource>, mtime: number): AsyncGenerator<Buffer> {
  let batch: Buffer[] = [];
  let batched = 0;
  const push = (bytes: Buffer): void => {
    batch.push(bytes);
    batched += bytes.length;
  };
  const takeBatch = (): Buffer => {
    const out = Buffer.concat(batch, batched);
    batch = [];
    batched = 0;
    return out;
  };
  for (const member of members) {
    push(encodeMemberHeaders(member, mtime));
    if (member.kind === 'file' && member.size > 0) {
      if (member.source === undefined) throw new TypeError(`tar member ${member.path} has content but no source`);
      if (member.size <= PIECE) {
        push(await readSmallFile(member.source, member.size));
      } else {
        yield takeBatch();
        yield* readLargeFile(member.source, member.size);
      }
      push(Buffer.alloc((BLOCK_SIZE - (member.size % BLOCK_SIZE)) % BLOCK_SIZE));
    }
    if (batched >= BATCH) yield takeBatch();
  }
  push(ZERO_BLOCKS);
  yield takeBatch();
}

async function readSmallFile(source: string, size: number): Promise<Buffer> {
  let content: Buffer;
  try {
    content = await readFile(fsPath(source));
  } catch (err) {
    throw vanished(source, err);
  }
  if (content.length !== size) throw sizeChanged(source, size, content.length);
  return content;
}

/** Reads `size` bytes in pieces, so memory stays bounded whatever the file's size. */
async function* readLargeFile(source: string, size: number): AsyncGenerator<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(fsPath(source), 'r');
  } catch (err) {
    throw vanished(source, err);
  }
  try {
    const actual = (await handle.stat()).size;
    if (actual !== size) throw sizeChanged(source, size, actual);
    for (let done = 0; done < size;) {
      const piece = Buffer.allocUnsafe(Math.min(PIECE, size - done));
      let filled = 0;
      while (filled < piece.length) {
        const { bytesRead } = await handle.read(piece, filled, piece.length - filled, done + filled);
        if (bytesRead === 0) throw sizeChanged(source, size, done + filled);
        filled += bytesRead;
      }
      done += filled;
      yield piece;
    }
  } finally {
    await handle.close();
  }
}

function vanished(source: string, err: unknown): unknown {
  if (errnoOf(err) !== 'ENOENT') return err;
  return new HacktreeError('SOURCE_NOT_FOUND', `${quotePath(source)} disappeared while it was being packed`, {
    hint: 'make sure nothing changes the tree while it is packed, then pack again', data: { source }, cause: err,
  });
}

function sizeChanged(source: string, expected: number, actual: number): HacktreeError {
  return new HacktreeError('TAR_INVALID', `${quotePath(source)} is ${actual} bytes but was ${expected} when scanned; it changed while being packed`, {
    hint: 'make sure nothing changes the tree while it is packed, then pack again', data: { source, expected, actual },
  });
}
