import type { GlobalArgs } from '../options/globalArgs.js';

/** Reports progress of a long operation: `done` of `total` units (total 0 when unknown). */
export type ProgressReporter = (phase: string, done: number, total: number) => void;

/**
 * A one-line progress bar on stderr when it is a terminal; nothing in pipes or with -q/--json.
 * Redraws at most every 100 ms.
 */
export function progressBar(argv: GlobalArgs): { report: ProgressReporter | undefined; finish: () => void } {
  if (!process.stderr.isTTY || argv.quiet || argv.json) return { report: undefined, finish: () => {} };
  let last = 0;
  let drawn = false;
  const report: ProgressReporter = (phase, done, total) => {
    const now = Date.now();
    if (now - last < 100 && done !== total) return;
    last = now;
    drawn = true;
    const width = 30;
    let line: string;
    if (total > 0) {
      const filled = Math.round((Math.min(done, total) / total) * width);
      line = `${phase} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
    } else {
      line = `${phase} ${done}`;
    }
    process.stderr.write(`\r\x1b[K${line}`);
  };
  return { report, finish: () => drawn && process.stderr.write('\r\x1b[K') };
}
