import { Worker } from 'node:worker_threads';
import type { LinkBatch, LinkBatchResult } from './linkWorker.js';

/** An operation that failed on the helper thread: its number (see run), errno and message. */
export interface HelperFailure {
  index: number;
  errno: string | undefined;
  message: string;
}

export interface LinkHelper {
  /**
   * Queues operations, made in order on the helper thread: `ops` as linkWorker reads them
   * (see LinkBatch); the first is operation number `first`, the next first + 1, and so on.
   */
  run(first: number, ops: string | Uint8Array): void;
  /** Waits for everything queued; returns how many links were made and what failed. */
  finish(): Promise<{ linked: number; failures: HelperFailure[] }>;
  /** Stops the thread (after finish, or on an error: nothing is made after this resolves). */
  stop(): Promise<void>;
}

/**
 * Without the native addon (whose linkTree does this on its own threads): a second thread for
 * the mkdir(2) and link(2) calls of a checkout, which are most of its time:
 * kernel time, which runs in parallel on ext4 (docs/decisions/0009-checkout-threads.md). The
 * main thread only sends paths.
 */
export function startLinkHelper(): LinkHelper {
  const worker = new Worker(new URL('./linkWorker.js', import.meta.url));
  const firsts = new Map<number, number>();
  const failures: HelperFailure[] = [];
  let linked = 0;
  let nextId = 0;
  let crashed: Error | undefined;
  let settle: (() => void) | undefined;
  worker.on('message', (result: LinkBatchResult) => {
    const first = firsts.get(result.id)!;
    firsts.delete(result.id);
    linked += result.linked;
    for (const f of result.failed) failures.push({ index: first + f.index, errno: f.errno, message: f.message });
    if (firsts.size === 0) settle?.();
  });
  worker.on('error', (err) => {
    crashed = err;
    settle?.();
  });
  return {
    run(first, ops) {
      const id = nextId++;
      firsts.set(id, first);
      worker.postMessage({ id, ops } satisfies LinkBatch);
    },
    async finish() {
      if (firsts.size > 0 && crashed === undefined) await new Promise<void>((resolve) => (settle = resolve));
      if (crashed !== undefined) throw crashed;
      return { linked, failures };
    },
    async stop() {
      await worker.terminate();
    },
  };
}
