import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { HacktreeError } from '../../errors/HacktreeError.js';
import type { ErrorCode } from '../../errors/errorCodes.js';
import type { Oid } from '../../model/git/oid.js';
import { fsPath } from '../../model/snapshot/pathBytes.js';
import { flushInBackground } from '../repository/flushInBackground.js';
import { nativeAddon } from '../../platform/native/nativeAddon.js';
import type { BlobBatchResult, BlobJob, BlobWorkerData, BlobWorkerError, BlobWorkerRequest } from './blobWorker.js';
import { removeOwnTempFiles } from '../repository/removeStaleTempFiles.js';
import type { Repository } from '../repository/repository.js';
import { storeAnyFileBlob } from './storeBlob.js';

export type ProgressCallback = (phase: string, done: number, total: number) => void;

const BATCH_BYTES = 4 << 20;
const BATCH_FILES = 256;
/** Below this, starting workers costs more than it saves. */
export const INLINE_LIMIT_BYTES = 8 << 20;
/**
 * From this many files on, the workers write their blobs into packs (one each) rather than as
 * loose objects; fewer stay loose, as git's own transfer.unpackLimit (100) keeps small fetches.
 */
const PACK_MIN_FILES = 100;

/**
 * Stores many files as blobs + raw objects, on one worker thread per core (hash and deflate
 * are CPU-bound: docs/decisions/0001-own-object-writer.md). Many files go into packs (see
 * packWriter). Returns the oids in
 * job order.
 */
export async function storeFilesInParallel(
  repo: Repository,
  jobs: readonly BlobJob[],
  options: { onProgress?: ProgressCallback; started?: readonly Worker[] } = {},
): Promise<Oid[]> {
  const { onProgress, started = [] } = options;
  const totalBytes = jobs.reduce((sum, j) => sum + j.size, 0);
  if (totalBytes < INLINE_LIMIT_BYTES) {
    for (const worker of started) void worker.terminate();
    const oids: Oid[] = [];
    for (const [i, job] of jobs.entries()) {
      oids.push(await storeAnyFileBlob(repo, job.absPath, job.meta, job.size));
      onProgress?.('storing files', i + 1, jobs.length);
    }
    return oids;
  }
  const batches: Array<{ start: number; jobs: BlobJob[]; bytes: number }> = [];
  let current: BlobJob[] = [];
  let bytes = 0;
  let start = 0;
  jobs.forEach((job, i) => {
    if (current.length > 0 && (bytes + job.size > BATCH_BYTES || current.length >= BATCH_FILES)) {
      batches.push({ start, jobs: current, bytes });
      current = [];
      bytes = 0;
      start = i;
    }
    current.push({ absPath: job.absPath, size: job.size, meta: job.meta });
    bytes += job.size;
  });
  if (current.length > 0) batches.push({ start, jobs: current, bytes });
  // Largest batches first: a big file sent last keeps one worker busy while the other sits idle
  // (docs/decisions/0008-commit-pipeline.md).
  const order = batches.map((_, i) => i).sort((a, b) => batches[b]!.bytes - batches[a]!.bytes || a - b);

  const oids: Oid[] = new Array(jobs.length);
  const workerCount = Math.min(availableParallelism(), batches.length);
  const workers = started.slice(0, workerCount);
  for (const spare of started.slice(workerCount)) void spare.terminate();
  if (workers.length < workerCount) workers.push(...startBlobWorkers(repo, workerCount - workers.length));
  const pack = jobs.length >= PACK_MIN_FILES;
  let next = 0;
  let done = 0;
  let failed = true;
  const stopFlushing = flushInBackground(repo);
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let inFlight = 0;
            const send = () => {
              if (next >= batches.length) {
                // Everything sent and stored: the worker completes its pack.
                if (inFlight === 0) worker.postMessage({ finish: true } satisfies BlobWorkerRequest);
                return;
              }
              const id = order[next++]!;
              inFlight++;
              // Read ahead while the worker is still busy with its batch before: the source
              // tree may be out of the page cache (docs/decisions/0008-commit-pipeline.md).
              nativeAddon()?.prefetchFiles(batches[id]!.jobs.map((job) => fsPath(job.absPath)));
              worker.postMessage({ id, jobs: batches[id]!.jobs, pack } satisfies BlobWorkerRequest);
            };
            worker.on('message', (result: BlobBatchResult) => {
              if ('error' in result) return reject(workerError(result.error));
              if ('finished' in result) return resolve();
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
    failed = false;
  } finally {
    // Not awaited: the flush in flight goes on while this thread writes the trees.
    void stopFlushing();
    const threadIds = workers.map((w) => w.threadId);
    await Promise.all(workers.map((w) => w.terminate()));
    // A worker stopped mid-pack leaves its unfinished pack behind.
    if (failed) removeOwnTempFiles(join(repo.objectsDir, 'pack'), threadIds);
  }
  return oids;
}

/**
 * Starts `count` blob workers (default: one per core) before their files are known, so that a
 * first commit of a big tree scans it while they start (see snapshotDirectory;
 * docs/decisions/0008-commit-pipeline.md). storeFilesInParallel takes them over; whoever started them terminates
 * them all once it is done (terminating one twice does nothing).
 */
export function startBlobWorkers(repo: Repository, count = availableParallelism()): Worker[] {
  const workerData: BlobWorkerData = { repoDir: repo.dir };
  return Array.from({ length: count }, () => {
    const worker = new Worker(new URL('./blobWorker.js', import.meta.url), { workerData });
    // One that is never given files fails unheard; storeFilesInParallel listens to those it uses.
    worker.on('error', () => undefined);
    return worker;
  });
}

function workerError(e: BlobWorkerError): Error {
  if (e.code) return new HacktreeError(e.code as ErrorCode, e.message, { hint: e.hint, data: e.data });
  return Object.assign(new Error(e.message), { code: e.errno });
}
