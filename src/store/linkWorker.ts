// Worker thread entry: makes the directories and hardlinks it is sent, for startLinkHelper. It
// imports only node: modules, so it starts in ~30 ms, while the main thread works.
import { linkSync, mkdirSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

/**
 * Operations as NUL-terminated pairs (no path holds a NUL), made in order: SOURCE, DEST links
 * DEST to SOURCE; an empty SOURCE makes the directory DEST (mode 0700, as the main thread does).
 */
export interface LinkBatch {
  id: number;
  pairs: string;
}
/** The operations that failed, by their index in the batch, with the errno and message. */
export interface LinkBatchResult {
  id: number;
  linked: number;
  failed: Array<{ index: number; errno: string | undefined; message: string }>;
}

parentPort!.on('message', ({ id, pairs }: LinkBatch) => {
  const parts = pairs.split('\0');
  const failed: LinkBatchResult['failed'] = [];
  let linked = 0;
  for (let i = 0; i + 1 < parts.length; i += 2) {
    try {
      if (parts[i] === '') {
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
