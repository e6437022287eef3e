import { join } from 'node:path';
import { parseArtifactName } from '../../model/artifact/artifactName.js';
import { buildIdOf, diffBuildInputs, shortBuildId, type BuildInput, type BuildInputChange } from '../../model/artifact/buildInputs.js';
import type { Recipe } from '../../model/recipe/recipe.js';
import { buildClosure, buildOrder } from '../../model/recipe/recipeGraph.js';
import type { Flavor } from '../../model/root/rootName.js';
import type { Arch } from '../../model/root/arch.js';
import type { Oid } from '../../model/git/oid.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';
import { readBuildRecord } from './buildRecord.js';
import type { RecipeSet } from '../recipes/loadRecipeSet.js';
import { recipeBuildInputs } from '../recipes/recipeBuildInputs.js';

/** What one build target is: a recipe built for one root (r=VERSION-FLAVOR-ARCH). */
export interface BuildTarget {
  /** The r= value, e.g. 3.2-opt-x86_64. */
  root: string;
  flavor: Flavor;
  /** What the artifacts run on (a=); the build runs under this arch's personality. */
  arch: Arch;
  /** The base toolchain root's branch and tree id. */
  baseRef: string;
  baseTree: Oid;
}

export interface PlannedBuild extends BuildTarget {
  recipe: Recipe;
  buildId: string;
  /** The id= its artifacts carry. */
  shortId: string;
  inputs: BuildInput[];
  /** Recursive build dependencies, in build order. */
  dependencies: string[];
  /** cached: both artifacts are in artifacts/; build: they must be made (or fetched from a cache). */
  status: 'cached' | 'build';
  /** Why, in words: "never built", "changed: recipe recipes/x.bb, dependency y". */
  reason: string;
  changes: BuildInputChange[];
  /** Paths of its artifacts, when cached. */
  artifacts: string[];
}

/**
 * The build plan for `targets` (default: every recipe) and their recursive build dependencies,
 * for each build target, in an order where every recipe comes after its dependencies. A build
 * id is the hash of the recipe's own inputs, the flavor, the root, the arch, the base tree and the build
 * ids of every recursive dependency; it is cached when artifacts/ holds both its artifacts.
 */
export async function planBuilds(options: {
  set: RecipeSet;
  targets?: string[];
  buildTargets: BuildTarget[];
  artifactsDir: string;
}): Promise<PlannedBuild[]> {
  const order = buildOrder(options.set, options.targets?.length ? options.targets : undefined).map((name) => options.set.recipes.get(name)!);
  const ownInputs = new Map<string, BuildInput[]>();
  for (const recipe of order) ownInputs.set(recipe.name, await recipeBuildInputs(recipe, options.set.workspace));
  const present = artifactsById(options.artifactsDir);
  const plan: PlannedBuild[] = [];
  for (const target of options.buildTargets) {
    const ids = new Map<string, string>();
    for (const recipe of order) {
      const dependencies: string[] = buildClosure(options.set, recipe.name);
      const inputs: BuildInput[] = [
        ...ownInputs.get(recipe.name)!,
        { kind: 'flavor', name: 'flavor', digest: target.flavor },
        { kind: 'root', name: 'root', digest: target.root },
        { kind: 'arch', name: 'arch', digest: target.arch },
        { kind: 'base', name: target.baseRef, digest: target.baseTree },
        ...dependencies.map((dep) => ({ kind: 'dependency' as const, name: dep, digest: ids.get(dep)! })),
      ];
      const buildId = buildIdOf(inputs);
      ids.set(recipe.name, buildId);
      const shortId = shortBuildId(buildId);
      const artifacts = present.get(`${recipe.name}\0${target.root}\0${target.flavor}\0${shortId}`) ?? [];
      const cached = artifacts.length === 2;
      const last = readBuildRecord(options.artifactsDir, recipe.name, target.root, target.flavor);
      const changes = last && last.buildId !== buildId ? diffBuildInputs(last.inputs, inputs) : [];
      plan.push({
        ...target,
        recipe,
        buildId,
        shortId,
        inputs,
        dependencies,
        status: cached ? 'cached' : 'build',
        reason: cached ? 'its artifacts are in artifacts/' : whyBuild(last?.buildId, buildId, changes),
        changes,
        artifacts: cached ? artifacts.map((file) => join(options.artifactsDir, file)) : [],
      });
    }
  }
  return plan;
}

function whyBuild(lastId: string | undefined, buildId: string, changes: BuildInputChange[]): string {
  if (lastId === undefined) return 'never built';
  if (lastId === buildId) return 'its artifacts are missing from artifacts/';
  return `changed: ${changes.map((c) => `${c.kind} ${c.name}${c.change === 'changed' ? '' : ` (${c.change})`}`).join(', ')}`;
}

/** Master artifacts in the directory by recipe, root, flavor and id= (both kinds of a build). */
function artifactsById(artifactsDir: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of listDirectory(artifactsDir)) {
    if (!file.endsWith(',.tar.gz')) continue;
    const { name, keys } = parseArtifactName(file);
    if (keys.id === undefined || (keys.o ?? 'master') !== 'master') continue;
    const key = `${name}\0${keys.r}\0${keys.b}\0${keys.id}`;
    found.set(key, [...(found.get(key) ?? []), file]);
  }
  return found;
}
