import { HacktreeError } from '../../errors/HacktreeError.js';
import { recipeList, recipeVar, type Recipe } from './recipe.js';
import type { RecipeSet } from './recipeSet.js';
import { similarNames } from './similarNames.js';

export type DependencyKind = 'build' | 'runtime';

export interface RecipeDependency {
  name: string;
  /** The variable that names it: DEPENDS, RDEPENDS or RDEPENDS:PN. */
  variable: string;
}

export interface RecipeEdge {
  from: string;
  to: string;
  kind: DependencyKind;
}

/**
 * A recipe's dependencies of one kind: DEPENDS (build), or RDEPENDS and RDEPENDS:${PN}
 * (run time; BitBake's version constraints such as "foo (>= 1.2)" are dropped, not checked).
 * Every word must name a recipe of the set: hacktree has no ASSUME_PROVIDED and no -native.
 */
export function recipeDependencies(recipe: Recipe, kind: DependencyKind): RecipeDependency[] {
  const variables = kind === 'build' ? ['DEPENDS'] : ['RDEPENDS', `RDEPENDS:${recipe.name}`];
  const seen = new Set<string>();
  const dependencies: RecipeDependency[] = [];
  for (const variable of variables) {
    const words = kind === 'build' ? recipeList(recipe, variable) : withoutVersions(recipeVar(recipe, variable)).split(/\s+/);
    for (const name of words.filter((word) => word !== '')) {
      if (seen.has(name)) continue;
      seen.add(name);
      dependencies.push({ name, variable });
    }
  }
  return dependencies;
}

/** Every dependency edge of the set, checked (DEPENDENCY_MISSING), sorted by recipe. */
export function recipeEdges(set: RecipeSet, kind: DependencyKind): RecipeEdge[] {
  return sortedNames(set).flatMap((from) => dependenciesOf(set, from, kind).map((to) => ({ from, to, kind })));
}

/**
 * The requested recipes (every recipe when `names` is not given) and their recursive build
 * dependencies, each after everything it depends on. A DEPENDS cycle is DEPENDENCY_CYCLE.
 */
export function buildOrder(set: RecipeSet, names?: readonly string[]): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (name: string): void => {
    if (done.has(name)) return;
    if (path.includes(name)) throw dependencyCycle(set, [...path.slice(path.indexOf(name)), name]);
    path.push(name);
    for (const dependency of dependenciesOf(set, name, 'build')) visit(dependency);
    path.pop();
    done.add(name);
    order.push(name);
  };
  for (const name of names ?? sortedNames(set)) visit(requireRecipe(set, name).name);
  return order;
}

/** Everything `name` needs to build, recursively, in build order (itself not included). */
export function buildClosure(set: RecipeSet, name: string): string[] {
  return buildOrder(set, [name]).filter((other) => other !== name);
}

/**
 * Everything `name` needs at run time, recursively (itself not included), dependencies first.
 * Run-time dependencies may form cycles (two libraries that need each other); that is fine.
 */
export function runtimeClosure(set: RecipeSet, name: string): string[] {
  requireRecipe(set, name);
  const order: string[] = [];
  const seen = new Set<string>([name]);
  const visit = (current: string): void => {
    for (const dependency of dependenciesOf(set, current, 'runtime')) {
      if (seen.has(dependency)) continue;
      seen.add(dependency);
      visit(dependency);
      order.push(dependency);
    }
  };
  visit(name);
  return order;
}

/** The recipe called `name`, or RECIPE_NOT_FOUND. */
export function requireRecipe(set: RecipeSet, name: string): Recipe {
  const recipe = set.recipes.get(name);
  if (recipe) return recipe;
  const known = [...set.recipes.keys()].sort();
  const similar = similarNames(name, known);
  const listed = similar.length > 0 ? `did you mean ${similar.slice(0, 5).map((each) => JSON.stringify(each)).join(', ')}? ` : known.length > 0 && known.length <= 10 ? `the recipes are ${known.join(', ')}; ` : '';
  throw new HacktreeError('RECIPE_NOT_FOUND', `no recipe ${JSON.stringify(name)} in ${set.workspace}/recipes`, {
    hint: `${listed}"hacktree recipe list" shows the recipes; a recipe is recipes/NAME_VERSION.bb`,
    data: { name, workspace: set.workspace, similar },
  });
}

function dependenciesOf(set: RecipeSet, name: string, kind: DependencyKind): string[] {
  const recipe = requireRecipe(set, name);
  return recipeDependencies(recipe, kind).map((dependency) => {
    if (set.recipes.has(dependency.name)) return dependency.name;
    const at = recipe.origins.get(dependency.variable);
    throw new HacktreeError('DEPENDENCY_MISSING', `${at ? `${at.file}:${at.line}` : recipe.file}: ${name} ${dependency.variable} names ${JSON.stringify(dependency.name)}, which is no recipe`, {
      hint: `add recipes/${dependency.name}_VERSION.bb, or remove it from ${dependency.variable} (in hacktree every dependency is a recipe of the set; the base toolchain root is not named)`,
      data: { recipe: name, dependency: dependency.name, variable: dependency.variable, file: at?.file ?? recipe.file, line: at?.line },
    });
  });
}

function dependencyCycle(set: RecipeSet, cycle: string[]): HacktreeError {
  const closer = set.recipes.get(cycle[cycle.length - 2]!)!;
  const at = closer.origins.get('DEPENDS');
  const where = at ? `${at.file}:${at.line}` : closer.file;
  return new HacktreeError('DEPENDENCY_CYCLE', `${where}: DEPENDS cycle ${cycle.join(' -> ')}`, {
    hint: `a recipe cannot need itself to build; remove one of these DEPENDS (the one in ${where} closes the cycle)`,
    data: { cycle, file: at?.file ?? closer.file, line: at?.line },
  });
}

function sortedNames(set: RecipeSet): string[] {
  return [...set.recipes.keys()].sort();
}

/** "a (>= 1.0) b" -> "a b": BitBake's explode_dep_versions drops the parenthesized constraints. */
function withoutVersions(value: string): string {
  return value.replace(/\([^)]*\)/g, ' ');
}
