// Worker thread entry: makes the directories and hardlinks it is sent, for startLinkHelper. It
// imports node: modules and one small pure model, so it starts in ~30 ms, while the main thread works.
import { linkSync, lstatSync, mkdirSync, readlinkSync, unlinkSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { RAW_MISMATCH, statKeyOf } from '../model/rawStatKey.js';

/**
 * Operations as NUL-terminated triples (no path holds a NUL), made in order: SOURCE, DEST, KEY
 * links DEST to SOURCE, and keeps the link only when its lstat gives KEY (see rawStatKey); an
 * empty SOURCE (and KEY) makes the directory DEST (mode 0700, as the main thread does).
 */
export interface LinkBatch {
  id: number;
  ops: string;
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
  const parts = ops.split('\0');
  const failed: LinkBatchResult['failed'] = [];
  let linked = 0;
  for (let i = 0; i + 2 < parts.length; i += 3) {
    const dest = parts[i + 1]!;
    try {
      if (parts[i] === '') {
        mkdirSync(dest, { mode: 0o700 });
      } else {
        linkSync(parts[i]!, dest);
        if (statKeyOf(lstatSync(dest), () => readlinkSync(dest)) !== parts[i + 2]) {
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
