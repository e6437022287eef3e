/**
 * The daemon's one writer: operations that change the repository or a deployment run one at a
 * time, in the order they arrived. Each learns how many run or wait ahead of it, at arrival and
 * each time one ahead finishes. The repository's lock would serialize them too, but by polling
 * and with no order and no position to tell.
 */
export interface WriterQueue {
  /** Runs `job` after every job queued before it; `onPosition(n)`: n jobs are ahead (0: it starts). */
  enqueue<T>(job: () => Promise<T>, onPosition: (ahead: number) => void): Promise<T>;
  /** Jobs running or waiting. */
  readonly length: number;
  /** Resolves when no job runs or waits. */
  drained(): Promise<void>;
}

interface Entry {
  start: () => void;
  onPosition: (ahead: number) => void;
}

export function writerQueue(): WriterQueue {
  const entries: Entry[] = [];
  let onDrained: Array<() => void> = [];

  const next = (): void => {
    entries.shift();
    entries.forEach((entry, ahead) => entry.onPosition(ahead));
    if (entries.length > 0) entries[0]!.start();
    else {
      for (const resolve of onDrained) resolve();
      onDrained = [];
    }
  };

  return {
    get length() {
      return entries.length;
    },
    enqueue<T>(job: () => Promise<T>, onPosition: (ahead: number) => void): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const entry: Entry = {
          onPosition,
          start: () => {
            job().then(resolve, reject).finally(next);
          },
        };
        entries.push(entry);
        onPosition(entries.length - 1);
        if (entries.length === 1) entry.start();
      });
    },
    drained: () => (entries.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => onDrained.push(resolve))),
  };
}
