import type { ArtifactDelta, BuildComparison, StepDelta } from '../../model/artifact/compareBuildStats.js';
import { formatSeconds } from './formatSeconds.js';

/**
 * `build stats`: for each recipe, root and flavor, its last build against the one before (ids,
 * totals), its slowest steps and what grew since (step times, artifact sizes).
 */
export function formatBuildComparison(comparisons: readonly BuildComparison[]): string[] {
  return comparisons.flatMap((c) => {
    const last = `${c.last.result} ${c.last.buildId.slice(0, 12)} in ${formatSeconds(c.last.seconds)} s`;
    const head = c.previous === null
      ? `${c.recipe} ${c.root} ${c.flavor}: one build: ${last}`
      : `${c.recipe} ${c.root} ${c.flavor}: ${last}; before: ${c.previous.result} ${c.previous.buildId.slice(0, 12)} in ${formatSeconds(c.previous.seconds)} s (${signed(c.seconds.delta!, formatSeconds)} s)`;
    const slowest = c.slowest.length === 0 ? 'none timed' : c.slowest.map((s) => `${s.step} ${formatSeconds(s.seconds)} s`).join(', ');
    const lines = [head, `  slowest: ${slowest}`];
    if (c.previous !== null) lines.push(`  grew: ${c.grew.length === 0 ? 'nothing' : c.grew.map(describeGrowth).join(', ')}`);
    lines.push(`  artifacts: ${c.artifacts.map((a) => `${a.kind} ${a.last === null ? 'none' : formatBytes(a.last)}`).join(', ')}`);
    return lines;
  });
}

function describeGrowth(d: StepDelta | ArtifactDelta): string {
  return 'step' in d ? `${d.step} ${signed(d.delta!, formatSeconds)} s` : `${d.kind} ${signed(d.delta!, formatBytes)}`;
}

function signed(value: number, format: (n: number) => string): string {
  return value < 0 ? `-${format(-value)}` : `+${format(value)}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
