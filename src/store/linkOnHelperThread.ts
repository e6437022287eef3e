import { Worker } from 'node:worker_threads';
import type { LinkBatch, LinkBatchResult } from './linkWorker.js';

/** An operation that failed on the helper thread: the caller's item (none for a mkdir), errno, message. */
export interface HelperFailure<T> {
  item: T | undefined;
  errno: string | undefined;
  message: string;
}

export type HelperOperation<T> = { mkdir: string } | { source: string; dest: string; item: T };

export interface LinkHelper<T> {
  /** Queues operations, made in order on the helper thread. */
  run(batch: ReadonlyArray<HelperOperation<T>>): void;
  /** Waits for everything queued; returns how many links were made and what failed. */
  finish(): Promise<{ linked: number; failures: Array<HelperFailure<T>> }>;
  /** Stops the thread (after finish, or on an error: nothing is made after this resolves). */
  stop(): Promise<void>;
}

/**
 * A second thread for the mkdir(2) and link(2) calls of a checkout, which are most of its time:
 * kernel time, which runs in parallel on ext4 (W1 here: its 12k links took ~150-200 ms on one
 * thread, ~90-110 ms each for two halves on two). The main thread only sends paths.
 */
export function startLinkHelper<T>(): LinkHelper<T> {
  const worker = new Worker(new URL('./linkWorker.js', import.meta.url));
  const batches = new Map<number, ReadonlyArray<HelperOperation<T>>>();
  const failures: Array<HelperFailure<T>> = [];
  let linked = 0;
  let nextId = 0;
  let crashed: Error | undefined;
  let settle: (() => void) | undefined;
  worker.on('message', (result: LinkBatchResult) => {
    const batch = batches.get(result.id)!;
    batches.delete(result.id);
    linked += result.linked;
    for (const f of result.failed) {
      const op = batch[f.index]!;
      failures.push({ item: 'item' in op ? op.item : undefined, errno: f.errno, message: f.message });
    }
    if (batches.size === 0) settle?.();
  });
  worker.on('error', (err) => {
    crashed = err;
    settle?.();
  });
  return {
    run(batch) {
      if (batch.length === 0) return;
      const id = nextId++;
      batches.set(id, batch);
      const pairs = batch.map((op) => ('mkdir' in op ? `\0${op.mkdir}` : `${op.source}\0${op.dest}`)).join('\0');
      worker.postMessage({ id, pairs } satisfies LinkBatch);
    },
    async finish() {
      if (batches.size > 0 && crashed === undefined) await new Promise<void>((resolve) => (settle = resolve));
      if (crashed !== undefined) throw crashed;
      return { linked, failures };
    },
    async stop() {
      await worker.terminate();
    },
  };
}
