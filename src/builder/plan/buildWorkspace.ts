import { join, resolve } from 'node:path';
import type { Flavor } from '../../model/root/rootName.js';
import { openRepository } from '../../store/repository/repository.js';
import { buildOrder } from '../../model/recipe/recipeGraph.js';
import { checkRecipeLicenses } from '../recipes/checkRecipeLicenses.js';
import { loadRecipeSet } from '../recipes/loadRecipeSet.js';
import { planBuilds, type PlannedBuild } from './planBuilds.js';
import { probeArtifactCaches } from '../cache/probeArtifactCaches.js';
import { resolveBuildTargets } from './resolveBuildTargets.js';
import { runBuilds, type BuildOutcome } from './runBuilds.js';
import type { BuildProgress } from './buildProgress.js';

export interface BuildWorkspaceOptions {
  repoDir: string;
  /** A folder with recipes/, roots/ and artifacts/. */
  workspace: string;
  /** Recipes to build (with their build dependencies); default all. */
  recipes?: string[];
  /** Root versions (roots/VERSION.json) to build for; default all. */
  versions?: string[];
  /** Arches to build for (as --arch names them); default every arch the definitions name. */
  arches?: string[];
  flavors: Flavor[];
  /** Only say what would happen. */
  dryRun: boolean;
  parallel: number;
  makeJobs?: number;
  keepFailed: boolean;
  caches: string[];
  sourceCache: string;
  onStep?: (step: string) => void;
  onWarning?: (warning: string) => void;
  onProgress?: (progress: BuildProgress) => void;
  onNote?: (note: string) => void;
}

/** One line of a plan, for people and --json: what will happen to a recipe and why. */
export interface PlanLine {
  recipe: string;
  root: string;
  flavor: string;
  buildId: string;
  /** cached, fetch (an artifact cache has it) or build. */
  action: 'cached' | 'fetch' | 'build';
  reason: string;
  changes: PlannedBuild['changes'];
}

export interface BuildWorkspaceResult {
  plan: PlanLine[];
  /** Absent with dryRun. */
  outcomes?: BuildOutcome[];
}

/**
 * `hacktree build`: check the LICENSE of every recipe it may build, plan every build by build id,
 * then fetch or build what is not cached.
 */
export async function buildWorkspace(options: BuildWorkspaceOptions): Promise<BuildWorkspaceResult> {
  const workspace = resolve(options.workspace);
  const repo = openRepository(options.repoDir);
  const set = await loadRecipeSet(workspace);
  checkRecipeLicenses(buildOrder(set, options.recipes?.length ? options.recipes : undefined).map((name) => set.recipes.get(name)!), options.onWarning);
  const artifactsDir = join(workspace, 'artifacts');
  const buildTargets = await resolveBuildTargets({ repo, rootsDir: join(workspace, 'roots'), versions: options.versions, arches: options.arches, flavors: options.flavors });
  const plan = await planBuilds({ set, targets: options.recipes, buildTargets, artifactsDir });
  const lines: PlanLine[] = [];
  for (const p of plan) {
    let action: PlanLine['action'] = p.status;
    let reason = p.reason;
    if (p.status === 'build' && options.dryRun && options.caches.length > 0) {
      const cache = await probeArtifactCaches(options.caches, p.shortId);
      if (cache !== null) {
        action = 'fetch';
        reason = `${cache} has build ${p.shortId} (${reason})`;
      }
    }
    lines.push({ recipe: p.recipe.name, root: p.root, flavor: p.flavor, buildId: p.buildId, action, reason, changes: p.changes });
  }
  if (options.dryRun) return { plan: lines };
  const outcomes = await runBuilds(plan, { ...options, repo, artifactsDir });
  return { plan: lines, outcomes };
}
