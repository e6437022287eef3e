// Worker thread entry: makes the directories and hardlinks it is sent, for startLinkHelper. It
// imports only node: modules, so it starts in ~30 ms, while the main thread works.
import { linkSync, mkdirSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

/**
 * Operations as NUL-terminated pairs (no path holds a NUL), made in order: SOURCE, DEST links
 * DEST to SOURCE; an empty SOURCE makes the directory DEST (mode 0700, as the main thread does).
 * Bytes when a path is not UTF-8 (pathBytes.fsPath: a string would change it).
 */
export interface LinkBatch {
  id: number;
  pairs: string | Uint8Array;
}
/** The operations that failed, by their index in the batch, with the errno and message. */
export interface LinkBatchResult {
  id: number;
  linked: number;
  failed: Array<{ index: number; errno: string | undefined; message: string }>;
}

parentPort!.on('message', ({ id, pairs }: LinkBatch) => {
  const parts = typeof pairs === 'string' ? pairs.split('\0') : splitBytes(Buffer.from(pairs.buffer, pairs.byteOffset, pairs.byteLength));
  const failed: LinkBatchResult['failed'] = [];
  let linked = 0;
  for (let i = 0; i + 1 < parts.length; i += 2) {
    try {
      if (parts[i]!.length === 0) {
        mkdirSync(parts[i + 1]!, { mode: 0o700 });
      } else {
        linkSync(parts[i]!, parts[i + 1]!);
        linked++;
      }
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      failed.push({ index: i / 2, errno: typeof e.code === 'string' ? e.code : undefined, message: e.message });
    }
  }
  parentPort!.postMessage({ id, linked, failed } satisfies LinkBatchResult);
});

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
