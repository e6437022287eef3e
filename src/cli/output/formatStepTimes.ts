import type { BuildOutcome } from '../../builder/plan/runBuilds.js';
import { BUILD_STEPS, type StepTime } from '../../model/artifact/buildStats.js';
import { formatSeconds } from './formatSeconds.js';

/**
 * `build --stats`: a table of every build's time per step, in seconds (a step with nothing to
 * do: "skipped"; a build that was cached or fetched: each step as such), then its total.
 */
export function formatStepTimes(outcomes: readonly BuildOutcome[]): string[] {
  const header = ['recipe', 'root', 'flavor', 'result', ...BUILD_STEPS, 'total'];
  const rows = outcomes.map((o) => [o.recipe, o.root, o.flavor, o.result, ...o.steps.map(cell), o.result === 'cached' ? '-' : formatSeconds(o.seconds)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return ['step times (seconds):', line(header), ...rows.map(line)];
}

function cell(time: StepTime): string {
  return time.status === 'ran' ? formatSeconds(time.seconds) : time.status;
}
