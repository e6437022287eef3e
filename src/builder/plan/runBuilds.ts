import { availableParallelism } from 'node:os';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { buildRecipe, olderArtifacts, removeArtifacts } from './buildRecipe.js';
import { writeBuildRecord } from './buildRecord.js';
import { findCachedBuild } from '../cache/findCachedBuild.js';
import type { PlannedBuild } from './planBuilds.js';
import type { Repository } from '../../store/repository/repository.js';
import type { BuildKey, StepTime } from '../../model/artifact/buildStats.js';
import type { BuildProgress } from './buildProgress.js';
import { recordBuildStats } from './buildStats.js';
import { startStepClock, untimedSteps } from './buildStepClock.js';

export interface BuildOutcome {
  recipe: string;
  root: string;
  flavor: string;
  buildId: string;
  /** cached: nothing to do; fetched: taken from an artifact cache; built: made here. */
  result: 'cached' | 'fetched' | 'built';
  artifacts: string[];
  seconds: number;
  /** Each step's time (cached or fetched builds: every step as such). */
  steps: StepTime[];
}

export interface RunBuildsOptions {
  repo: Repository;
  artifactsDir: string;
  sourceCache: string;
  caches: string[];
  /** Recipes built at once; each build's make runs with makeJobs. */
  parallel: number;
  makeJobs?: number;
  keepFailed: boolean;
  onStep?: (step: string) => void;
  onWarning?: (warning: string) => void;
  /** Each step and outcome as it happens, for a live display. */
  onProgress?: (progress: BuildProgress) => void;
  /** What is worth saying only with --verbose (a damaged stats.json replaced). */
  onNote?: (note: string) => void;
}

/**
 * Carries out a plan: cached builds are skipped, the rest are looked up in the artifact caches
 * and otherwise built, up to `parallel` at once, each after all its dependencies. The first
 * failure stops new builds from starting; those running finish, then the failure is thrown
 * (what finished before it stays: its artifacts are complete). Each build or fetch adds its
 * step times and artifact sizes to artifacts/.builds/stats.json.
 */
export async function runBuilds(plan: PlannedBuild[], options: RunBuildsOptions): Promise<BuildOutcome[]> {
  const keyOf = (p: { recipe: { name: string } | string; root: string; flavor: string }) =>
    `${typeof p.recipe === 'string' ? p.recipe : p.recipe.name}\0${p.root}\0${p.flavor}`;
  const artifactsOf = new Map<string, string[]>();
  const outcomes: BuildOutcome[] = [];
  const pending = [...plan];
  const running = new Map<string, Promise<void>>();
  let failure: unknown;
  const makeJobs = options.makeJobs ?? availableParallelism();
  options.onProgress?.({ event: 'planned', total: plan.length });

  const start = (p: PlannedBuild): Promise<void> => {
    const began = Date.now();
    const build: BuildKey = { recipe: p.recipe.name, root: p.root, flavor: p.flavor };
    const clock = startStepClock((step) => options.onProgress?.({ event: 'step', build, step }));
    const finish = (result: BuildOutcome['result'], artifacts: string[]) => {
      const seconds = (Date.now() - began) / 1000;
      const steps = result === 'built' ? clock.finish() : untimedSteps(result);
      if (result !== 'cached') {
        recordBuildStats(options.artifactsDir, { ...build, buildId: p.buildId, result, seconds, steps, artifacts }, (err) => options.onNote?.(`${err.message}; replaced by a new one`));
      }
      artifactsOf.set(keyOf(p), artifacts);
      outcomes.push({ ...build, buildId: p.buildId, result, artifacts, seconds, steps });
      options.onProgress?.({ event: 'done', build, result, seconds });
    };
    return (async () => {
      if (p.status === 'cached') return finish('cached', p.artifacts);
      const fromCache = options.caches.length === 0 ? null : await findCachedBuild({ id: p.shortId, artifactsDir: options.artifactsDir, caches: options.caches, onWarning: options.onWarning });
      if (fromCache) {
        removeArtifacts(options.artifactsDir, olderArtifacts(options.artifactsDir, p));
        writeBuildRecord(options.artifactsDir, { recipe: p.recipe.name, root: p.root, flavor: p.flavor, buildId: p.buildId, inputs: p.inputs, artifacts: fromCache.map((f: string) => f.split('/').pop()!) });
        return finish('fetched', fromCache);
      }
      const dependencyArtifacts = p.dependencies.flatMap((dep) => artifactsOf.get(keyOf({ recipe: dep, root: p.root, flavor: p.flavor })) ?? []);
      const built = await buildRecipe(p, { ...options, dependencyArtifacts, jobs: makeJobs, steps: clock });
      finish('built', built);
    })().catch((err) => {
      options.onProgress?.({ event: 'failed', build, step: clock.current(), message: err instanceof Error ? err.message : String(err) });
      failure ??= err;
    });
  };

  while (pending.length > 0 || running.size > 0) {
    if (failure === undefined) {
      for (let i = 0; i < pending.length && running.size < Math.max(1, options.parallel); ) {
        const p = pending[i]!;
        const ready = p.dependencies.every((dep) => artifactsOf.has(keyOf({ recipe: dep, root: p.root, flavor: p.flavor })));
        if (!ready) {
          i++;
          continue;
        }
        pending.splice(i, 1);
        const key = keyOf(p);
        running.set(key, start(p).finally(() => running.delete(key)));
      }
    } else {
      pending.length = 0;
    }
    if (running.size === 0) {
      if (pending.length > 0 && failure === undefined) {
        throw new HacktreeError('DEPENDENCY_MISSING', `cannot order ${pending.map((p) => p.recipe.name).join(', ')}: a dependency is not in the plan`, { data: {} });
      }
      break;
    }
    await Promise.race(running.values());
  }
  if (failure !== undefined) throw failure;
  return outcomes;
}
