import type { ArtifactKind } from './artifactName.js';
import { BUILD_STEPS, type BuildHistory, type BuildKey, type BuildStats, type BuildStatsEntry, type BuildStep } from './buildStats.js';

/** A number in the last build and the one before (null when that build had none, or was not timed). */
export interface Delta {
  previous: number | null;
  last: number | null;
  /** last - previous, or null when either is. */
  delta: number | null;
}

export interface StepDelta extends Delta {
  step: BuildStep;
}

export interface ArtifactDelta extends Delta {
  kind: ArtifactKind;
}

/** `hacktree build stats` for one recipe, root and flavor: its last build against the one before. */
export interface BuildComparison extends BuildKey {
  /** How many builds the history holds. */
  builds: number;
  last: BuildStatsEntry;
  previous: BuildStatsEntry | null;
  /** The last build's steps that ran, slowest first (at most SLOWEST_STEPS). */
  slowest: Array<{ step: BuildStep; seconds: number }>;
  /** Every step, in build order. */
  steps: StepDelta[];
  /** Artifact sizes in bytes, by kind. */
  artifacts: ArtifactDelta[];
  seconds: Delta;
  /** The steps that grew (delta > 0), then the artifacts that did, each most first. */
  grew: Array<StepDelta | ArtifactDelta>;
}

export const SLOWEST_STEPS = 3;

/** Compares the last two builds of every history (of `recipes` only, when given), sorted by recipe, root and flavor. */
export function compareBuildStats(stats: BuildStats, recipes: readonly string[] = []): BuildComparison[] {
  return stats.histories
    .filter((h) => h.builds.length > 0 && (recipes.length === 0 || recipes.includes(h.recipe)))
    .map(compareHistory);
}

function compareHistory(history: BuildHistory): BuildComparison {
  const last = history.builds[history.builds.length - 1]!;
  const previous = history.builds.length > 1 ? history.builds[history.builds.length - 2]! : null;
  const stepSeconds = (entry: BuildStatsEntry | null, step: BuildStep): number | null => {
    const time = entry?.steps.find((s) => s.step === step);
    return time === undefined || (time.status !== 'ran' && time.status !== 'skipped') ? null : time.seconds;
  };
  const steps = BUILD_STEPS.map((step) => ({ step, ...delta(stepSeconds(previous, step), stepSeconds(last, step)) }));
  const kinds = [...new Set([...last.artifacts, ...(previous?.artifacts ?? [])].map((a) => a.kind))].sort();
  const bytes = (entry: BuildStatsEntry | null, kind: ArtifactKind) => entry?.artifacts.find((a) => a.kind === kind)?.bytes ?? null;
  const artifacts = kinds.map((kind) => ({ kind, ...delta(bytes(previous, kind), bytes(last, kind)) }));
  const slowest = last.steps
    .filter((s) => s.status === 'ran')
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, SLOWEST_STEPS)
    .map((s) => ({ step: s.step, seconds: s.seconds }));
  // Seconds and bytes do not compare: the steps that grew come first, then the artifacts, each most first.
  const grown = <T extends Delta>(deltas: T[]) => deltas.filter((d) => d.delta !== null && d.delta > 0).sort((a, b) => b.delta! - a.delta!);
  const grew = [...grown(steps), ...grown(artifacts)];
  return {
    recipe: history.recipe,
    root: history.root,
    flavor: history.flavor,
    builds: history.builds.length,
    last,
    previous,
    slowest,
    steps,
    artifacts,
    seconds: delta(previous?.seconds ?? null, last.seconds),
    grew,
  };
}

function delta(previous: number | null, last: number | null): Delta {
  return { previous, last, delta: previous === null || last === null ? null : last - previous };
}
