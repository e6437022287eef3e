// Worker thread entry: stores the files it is sent (hash, deflate, loose object, raw cache).
import { parentPort, workerData } from 'node:worker_threads';
import { HacktreeError } from '../errors/HacktreeError.js';
import type { EntryMeta } from '../model/fsEntry.js';
import { repositoryAt } from './repository.js';
import { storeAnyFileBlob } from './storeBlob.js';

export interface BlobJob {
  absPath: string;
  size: number;
  meta: EntryMeta;
}
export interface BlobBatch {
  id: number;
  jobs: BlobJob[];
}
export type BlobBatchResult =
  | { id: number; oids: string[] }
  | { id: number; error: { code?: string; message: string; hint?: string; data?: Record<string, unknown>; errno?: string } };

const repo = repositoryAt((workerData as { repoDir: string }).repoDir);

parentPort!.on('message', async (batch: BlobBatch) => {
  try {
    const oids: string[] = [];
    for (const job of batch.jobs) {
      // Buffers arrive as Uint8Arrays through postMessage.
      const meta = { ...job.meta, xattrs: job.meta.xattrs.map((x) => ({ name: x.name, value: Buffer.from(x.value) })) };
      oids.push(await storeAnyFileBlob(repo, job.absPath, meta, job.size));
    }
    parentPort!.postMessage({ id: batch.id, oids } satisfies BlobBatchResult);
  } catch (err) {
    const e = err as Error & { code?: string; errno?: unknown };
    parentPort!.postMessage({
      id: batch.id,
      error: err instanceof HacktreeError
        ? { code: err.code, message: err.message, hint: err.hint, data: err.data }
        : { message: e.message, errno: typeof e.code === 'string' ? e.code : undefined },
    } satisfies BlobBatchResult);
  }
});
