import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createInflate } from 'node:zlib';
import type { GitObjectType } from '../model/gitObject.js';
import type { Oid } from '../model/oid.js';

export type LooseObjectCheck =
  | { ok: true; oid: Oid; type: GitObjectType; size: number }
  | { ok: false; why: string };

const HEADER = /^(blob|tree|commit|tag) (0|[1-9]\d*)$/;

/**
 * Inflates a loose object file as a stream and hashes it, checking the "<type> <size>\0" header
 * and that the body has that size. Memory stays flat whatever the object's size.
 */
export async function hashLooseObjectFile(path: string): Promise<LooseObjectCheck> {
  const hash = createHash('sha1');
  let head: Buffer | null = Buffer.alloc(0);
  let type: GitObjectType | undefined;
  let declared = 0;
  let bodyBytes = 0;
  let why: string | undefined;
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
        if (nul < 0) {
          if (head.length > 32) throw new MalformedHeader();
          continue;
        }
        const m = HEADER.exec(head.subarray(0, nul).toString('latin1'));
        if (!m) throw new MalformedHeader();
        type = m[1] as GitObjectType;
        declared = Number(m[2]);
        bodyBytes = head.length - nul - 1;
        head = null;
      }
    });
  } catch (err) {
    if (err instanceof MalformedHeader) return { ok: false, why: 'its header is not "<type> <size>"' };
    if ((err as { code?: string }).code?.startsWith('Z_')) return { ok: false, why: `it does not inflate (${(err as Error).message})` };
    throw err;
  }
  if (type === undefined) why = 'it ends before its header does';
  else if (bodyBytes !== declared) why = `its header says ${declared} bytes, the body has ${bodyBytes}`;
  if (why !== undefined || type === undefined) return { ok: false, why: why ?? 'no header' };
  return { ok: true, oid: hash.digest('hex') as Oid, type, size: declared };
}

class MalformedHeader extends Error {}
