import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { HacktreeError } from '../errors/HacktreeError.js';
import type { ErrorCode } from '../errors/errorCodes.js';
import type { Oid } from '../model/oid.js';
import type { BlobBatch, BlobBatchResult, BlobJob } from './blobWorker.js';
import type { Repository } from './repository.js';
import { storeAnyFileBlob } from './storeBlob.js';

export type ProgressCallback = (phase: string, done: number, total: number) => void;

const BATCH_BYTES = 4 << 20;
const BATCH_FILES = 256;
/** Below this, starting workers costs more than it saves. */
const INLINE_LIMIT_BYTES = 8 << 20;

/**
 * Stores many files as blobs + raw objects, on one worker thread per core (hash and deflate
 * are CPU-bound; the own writer with 2 workers measured 6.5 s vs 40.2 s for isomorphic-git's
 * writeBlob on 38.6k files). Returns the oids in job order.
 */
export async function storeFilesInParallel(
  repo: Repository,
  jobs: readonly BlobJob[],
  onProgress?: ProgressCallback,
): Promise<Oid[]> {
  const totalBytes = jobs.reduce((sum, j) => sum + j.size, 0);
  if (totalBytes < INLINE_LIMIT_BYTES) {
    const oids: Oid[] = [];
    for (const [i, job] of jobs.entries()) {
      oids.push(await storeAnyFileBlob(repo, job.absPath, job.meta, job.size));
      onProgress?.('storing files', i + 1, jobs.length);
    }
    return oids;
  }
  const batches: Array<{ start: number; jobs: BlobJob[] }> = [];
  let current: BlobJob[] = [];
  let bytes = 0;
  let start = 0;
  jobs.forEach((job, i) => {
    if (current.length > 0 && (bytes + job.size > BATCH_BYTES || current.length >= BATCH_FILES)) {
      batches.push({ start, jobs: current });
      current = [];
      bytes = 0;
      start = i;
    }
    current.push({ absPath: job.absPath, size: job.size, meta: job.meta });
    bytes += job.size;
  });
  if (current.length > 0) batches.push({ start, jobs: current });

  const oids: Oid[] = new Array(jobs.length);
  const workerCount = Math.min(availableParallelism(), batches.length);
  const workers = Array.from(
    { length: workerCount },
    () => new Worker(new URL('./blobWorker.js', import.meta.url), { workerData: { repoDir: repo.dir } }),
  );
  let next = 0;
  let done = 0;
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let inFlight = 0;
            const send = () => {
              if (next >= batches.length) return inFlight === 0 && resolve();
              const id = next++;
              inFlight++;
              worker.postMessage({ id, jobs: batches[id]!.jobs } satisfies BlobBatch);
            };
            worker.on('message', (result: BlobBatchResult) => {
              if ('error' in result) return reject(workerError(result.error));
              const batch = batches[result.id]!;
              result.oids.forEach((oid, k) => (oids[batch.start + k] = oid as Oid));
              done += batch.jobs.length;
              inFlight--;
              onProgress?.('storing files', done, jobs.length);
              send();
            });
            worker.on('error', reject);
            // Two batches queued per worker: it never waits on this thread, which may be busy
            // making symlinks and device nodes meanwhile.
            send();
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return oids;
}

function workerError(e: Extract<BlobBatchResult, { error: unknown }>['error']): Error {
  if (e.code) return new HacktreeError(e.code as ErrorCode, e.message, { hint: e.hint, data: e.data });
  return Object.assign(new Error(e.message), { code: e.errno });
}
