// Worker thread entry: makes the directories and hardlinks it is sent, for startLinkHelper. It
// imports node: modules and two small pure models, so it starts quickly, while the main thread works.
import { linkSync, lstatSync, mkdirSync, readlinkSync, unlinkSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { decodePathBytes } from '../../model/snapshot/pathBytes.js';
import { RAW_MISMATCH, statKeyOf } from '../../model/snapshot/rawStatKey.js';

/**
 * Operations as NUL-terminated triples (no path holds a NUL), made in order: SOURCE, DEST, KEY
 * links DEST to SOURCE, and keeps the link only when its lstat gives KEY (see rawStatKey); an
 * empty SOURCE (and KEY) makes the directory DEST (mode 0700, as the main thread does). Bytes
 * when a path or target is not UTF-8 (pathBytes.fsPath: a string would change it).
 */
export interface LinkBatch {
  id: number;
  ops: string | Uint8Array;
}
/**
 * The operations that failed, by their index in the batch, with the errno (or RAW_MISMATCH, see
 * rawStatKey) and message.
 */
export interface LinkBatchResult {
  id: number;
  linked: number;
  failed: Array<{ index: number; errno: string | undefined; message: string }>;
}

parentPort!.on('message', ({ id, ops }: LinkBatch) => {
  const parts = typeof ops === 'string' ? ops.split('\0') : splitBytes(Buffer.from(ops.buffer, ops.byteOffset, ops.byteLength));
  const failed: LinkBatchResult['failed'] = [];
  let linked = 0;
  for (let i = 0; i + 2 < parts.length; i += 3) {
    const dest = parts[i + 1]!;
    try {
      if (parts[i]!.length === 0) {
        mkdirSync(dest, { mode: 0o700 });
      } else {
        linkSync(parts[i]!, dest);
        if (statKeyOf(lstatSync(dest), () => decodePathBytes(readlinkSync(dest, { encoding: 'buffer' }))) !== text(parts[i + 2]!)) {
          unlinkSync(dest);
          failed.push({ index: i / 3, errno: RAW_MISMATCH, message: `${parts[i]} is not what the snapshot says` });
          continue;
        }
        linked++;
      }
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      failed.push({ index: i / 3, errno: typeof e.code === 'string' ? e.code : undefined, message: e.message });
    }
  }
  parentPort!.postMessage({ id, linked, failed } satisfies LinkBatchResult);
});

/** A part as the string pathBytes makes of its bytes (what rawStatKey's keys are made of). */
function text(part: string | Buffer): string {
  return typeof part === 'string' ? part : decodePathBytes(part);
}

function splitBytes(bytes: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  for (let at = 0; at <= bytes.length;) {
    const nul = bytes.indexOf(0, at);
    const end = nul < 0 ? bytes.length : nul;
    parts.push(bytes.subarray(at, end));
    at = end + 1;
  }
  return parts;
}
