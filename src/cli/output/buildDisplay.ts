import type { BuildProgress } from '../../builder/plan/buildProgress.js';
import type { BuildKey, BuildStep } from '../../model/artifact/buildStats.js';
import type { GlobalArgs } from '../options/globalArgs.js';
import { stepReporter } from './stepReporter.js';

export interface BuildDisplay {
  /** runBuilds' onStep: plain step lines (a pipe with -v, as stepReporter says them). */
  onStep: ((step: string) => void) | undefined;
  /** runBuilds' onProgress: what the live display shows; undefined without one. */
  onProgress: ((progress: BuildProgress) => void) | undefined;
  /** Prints a line on stderr (above the live display, which is redrawn under it). */
  log: (line: string) => void;
  /** Clears the live display: call it before printing the result or an error. */
  finish: () => void;
}

// Elapsed times go on while nothing happens; redrawing once a second keeps them current.
const REFRESH_MS = 1000;

/**
 * `hacktree build`'s live display on a terminal, after BitBake's knotty: a few lines at the
 * bottom of stderr, redrawn in place, with the builds running now, each with its step and how
 * long it has run, and how many of the plan's builds are done; failures are printed above it as
 * they happen. In a pipe (or with -q/--json) there is none, and steps come out as plain lines
 * exactly as stepReporter says them.
 */
export function buildDisplay(argv: GlobalArgs): BuildDisplay {
  const plainSteps = stepReporter(argv);
  const plainLog = (line: string) => void process.stderr.write(`${line}\n`);
  if (!process.stderr.isTTY || argv.quiet || argv.json) return { onStep: plainSteps, onProgress: undefined, log: plainLog, finish: () => {} };

  const running = new Map<string, { step: BuildStep | undefined; began: number; stepBegan: number }>();
  const done = { built: 0, fetched: 0, cached: 0, failed: 0 };
  let total = 0;
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;

  const clear = () => (drawn > 0 ? `\x1b[${drawn}F\x1b[J` : '');
  const draw = (above: string[] = []) => {
    // A terminal that reports no size (0 columns, as under `script`) gets the usual 80.
    const width = Math.max(20, (process.stderr.columns || 80) - 1);
    const now = Date.now();
    const finished = done.built + done.fetched + done.cached;
    const lines = [
      `Currently ${running.size} running (${finished} of ${total} done: ${done.built} built, ${done.fetched} fetched, ${done.cached} cached${done.failed > 0 ? `; ${done.failed} failed` : ''})`,
      ...[...running].map(([label, r]) => `  ${label}: ${r.step ?? 'starting'} ${seconds(now - r.stepBegan)} (${seconds(now - r.began)} in all)`),
    ].map((line) => (line.length > width ? line.slice(0, width) : line));
    process.stderr.write(clear() + above.map((line) => `${line}\n`).join('') + lines.map((line) => `\x1b[K${line}\n`).join(''));
    drawn = lines.length;
  };

  const onProgress = (progress: BuildProgress) => {
    const now = Date.now();
    const above: string[] = [];
    switch (progress.event) {
      case 'planned':
        total = progress.total;
        timer ??= setInterval(() => draw(), REFRESH_MS).unref();
        break;
      case 'step': {
        const label = labelOf(progress.build);
        running.set(label, { step: progress.step, began: running.get(label)?.began ?? now, stepBegan: now });
        break;
      }
      case 'done':
        running.delete(labelOf(progress.build));
        done[progress.result]++;
        break;
      case 'failed':
        running.delete(labelOf(progress.build));
        done.failed++;
        above.push(`failed ${labelOf(progress.build)}${progress.step === undefined ? '' : ` in ${progress.step}`}: ${progress.message.split('\n')[0]}`);
        break;
    }
    draw(above);
  };

  return {
    onStep: argv.verbose ? (step) => draw([step]) : undefined,
    onProgress,
    log: (line) => (timer === undefined ? plainLog(line) : draw([line])),
    finish: () => {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      process.stderr.write(clear());
      drawn = 0;
    },
  };
}

/** The words the result lines use for a build: "liba 1.0-opt-x86_64 opt". */
function labelOf(build: BuildKey): string {
  return `${build.recipe} ${build.root} ${build.flavor}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
