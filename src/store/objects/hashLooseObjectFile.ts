import { createHash } from 'node:crypto';
import { closeSync, createReadStream, readSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createInflate, inflateSync } from 'node:zlib';
import { errnoOf } from '../../errors/errnoOf.js';
import type { GitObjectType } from '../../model/git/gitObject.js';
import type { Oid } from '../../model/git/oid.js';
import { openRegularFile } from '../../platform/fs/openRegularFile.js';

export type LooseObjectCheck =
  | { ok: true; oid: Oid; type: GitObjectType; size: number }
  | { ok: false; why: string };

// Small objects (nearly all of a root) are read and inflated synchronously, faster than a stream
// per object (docs/decisions/0007-synchronous-io.md). Larger ones, or ones that inflate past the cap,
// are streamed so memory stays flat whatever the object size.
const SYNC_MAX_DEFLATED = 4 << 20;
const SYNC_MAX_INFLATED = 32 << 20;
const HEADER = /^(blob|tree|commit|tag) (0|[1-9]\d*)$/;
const MALFORMED: LooseObjectCheck = { ok: false, why: 'its header is not "<type> <size>"' };

/** Inflates and hashes a loose object file, checking the "<type> <size>\0" header against the body. */
export async function hashLooseObjectFile(path: string): Promise<LooseObjectCheck> {
  const opened = openRegularFile(path);
  if (opened === null) return { ok: false, why: 'it vanished while it was being read' };
  if ('notFile' in opened) return { ok: false, why: `it is ${opened.notFile}, not a file` };
  const deflated = readIfSmall(opened.fd, opened.size);
  if (deflated === null) return hashStreamed(path);
  let framed: Buffer;
  try {
    framed = inflateSync(deflated, { maxOutputLength: SYNC_MAX_INFLATED });
  } catch (err) {
    if (errnoOf(err) === 'ERR_BUFFER_TOO_LARGE') return hashStreamed(path);
    return { ok: false, why: `it does not inflate (${(err as Error).message})` };
  }
  const nul = framed.indexOf(0);
  const header = nul < 0 || nul > 32 ? null : HEADER.exec(framed.subarray(0, nul).toString('latin1'));
  if (!header) return nul < 0 && framed.length <= 32 ? { ok: false, why: 'it ends before its header does' } : MALFORMED;
  return finish(createHash('sha1').update(framed), header, framed.length - nul - 1);
}

/** Reads the open file whole and closes it; null (closed too) when it is too big to read at once. */
function readIfSmall(fd: number, size: number): Buffer | null {
  try {
    if (size > SYNC_MAX_DEFLATED) return null;
    const buffer = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buffer, off, size - off, null);
      if (n === 0) break;
      off += n;
    }
    return buffer.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

async function hashStreamed(path: string): Promise<LooseObjectCheck> {
  const hash = createHash('sha1');
  let head: Buffer | null = Buffer.alloc(0);
  let header: RegExpExecArray | null = null;
  let bodyBytes = 0;
  let malformed = false;
  try {
    await pipeline(createReadStream(path), createInflate(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        hash.update(chunk);
        if (head === null) {
          bodyBytes += chunk.length;
          continue;
        }
        head = Buffer.concat([head, chunk]);
        const nul = head.indexOf(0);
        if (nul < 0 && head.length <= 32) continue;
        header = nul < 0 || nul > 32 ? null : HEADER.exec(head.subarray(0, nul).toString('latin1'));
        // Drained to the end even so: leaving the stream early would fail the pipeline.
        malformed = header === null;
        bodyBytes = head.length - nul - 1;
        head = null;
      }
    });
  } catch (err) {
    if (!(errnoOf(err) ?? '').startsWith('Z_')) throw err;
    return { ok: false, why: `it does not inflate (${(err as Error).message})` };
  }
  if (malformed) return MALFORMED;
  if (header === null) return { ok: false, why: 'it ends before its header does' };
  return finish(hash, header, bodyBytes);
}

function finish(hash: ReturnType<typeof createHash>, header: RegExpExecArray, bodyBytes: number): LooseObjectCheck {
  const declared = Number(header[2]);
  if (bodyBytes !== declared) return { ok: false, why: `its header says ${declared} bytes, the body has ${bodyBytes}` };
  return { ok: true, oid: hash.digest('hex') as Oid, type: header[1] as GitObjectType, size: declared };
}
