// Worker thread entry: stores the files it is sent (hash, deflate, loose object or pack entry,
// raw cache).
import { parentPort, workerData } from 'node:worker_threads';
import { HacktreeError } from '../../errors/HacktreeError.js';
import type { EntryMeta } from '../../model/snapshot/fsEntry.js';
import { createPackWriter, type PackWriter } from '../objects/packWriter.js';
import { repositoryAt } from '../repository/repository.js';
import { storeAnyFileBlob } from './storeBlob.js';

export interface BlobJob {
  absPath: string;
  size: number;
  meta: EntryMeta;
}
export interface BlobWorkerData {
  repoDir: string;
}
/**
 * A batch of files to store; with `pack`, their blobs go into one pack per worker (finished on
 * the `finish` message), not loose objects.
 */
export type BlobWorkerRequest = { id: number; jobs: BlobJob[]; pack: boolean } | { finish: true };
export type BlobWorkerError = { code?: string; message: string; hint?: string; data?: Record<string, unknown>; errno?: string };
export type BlobBatchResult =
  | { id: number; oids: string[] }
  | { finished: string | null }
  | { error: BlobWorkerError };

const { repoDir } = workerData as BlobWorkerData;
const repo = repositoryAt(repoDir);
let pack: PackWriter | undefined;

parentPort!.on('message', async (request: BlobWorkerRequest) => {
  try {
    if ('finish' in request) {
      parentPort!.postMessage({ finished: pack?.finish() ?? null } satisfies BlobBatchResult);
      return;
    }
    if (request.pack) pack ??= createPackWriter(repo);
    const oids: string[] = [];
    for (const job of request.jobs) {
      // Buffers arrive as Uint8Arrays through postMessage.
      const meta = { ...job.meta, xattrs: job.meta.xattrs.map((x) => ({ name: x.name, value: Buffer.from(x.value) })) };
      oids.push(await storeAnyFileBlob(repo, job.absPath, meta, job.size, pack));
    }
    parentPort!.postMessage({ id: request.id, oids } satisfies BlobBatchResult);
  } catch (err) {
    pack?.abort();
    const e = err as Error & { code?: string; errno?: unknown };
    parentPort!.postMessage({
      error: err instanceof HacktreeError
        ? { code: err.code, message: err.message, hint: err.hint, data: err.data }
        : { message: e.message, errno: typeof e.code === 'string' ? e.code : undefined },
    } satisfies BlobBatchResult);
  }
});
