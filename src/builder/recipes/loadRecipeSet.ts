import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { HacktreeError } from '../../errors/HacktreeError.js';
import { errnoOf } from '../../errors/errnoOf.js';
import { compareVersions } from '../../model/recipe/compareVersions.js';
import { parseRecipe, parseRecipeConfig, recipeConfigVars, type ReadRecipeInclude, type RecipeConfig } from '../../model/recipe/parseRecipe.js';
import type { Recipe } from '../../model/recipe/recipe.js';
import type { RecipeSet } from '../../model/recipe/recipeSet.js';
import { listDirectory } from '../../platform/fs/listDirectory.js';

export type { RecipeSet } from '../../model/recipe/recipeSet.js';

export interface LoadRecipeSetOptions {
  /** Where HACKTREE_PREMIRRORS / HACKTREE_MIRRORS come from; process.env when not given. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Environment variables put in front of the site configuration's mirror lists. */
const MIRROR_ENVIRONMENT: ReadonlyArray<[string, string]> = [['HACKTREE_PREMIRRORS', 'PREMIRRORS'], ['HACKTREE_MIRRORS', 'MIRRORS']];

/**
 * Parses every `recipes/*.bb` of a workspace, each after `recipes/site.conf` (optional). Of
 * several files with one PN, the highest PV wins, unless site.conf's PREFERRED_VERSION_<PN>
 * names one (a trailing "%" matches any rest, as in BitBake).
 */
export async function loadRecipeSet(workspaceDir: string, options: LoadRecipeSetOptions = {}): Promise<RecipeSet> {
  const workspace = resolve(workspaceDir);
  const recipesDir = join(workspace, 'recipes');
  checkRecipesDir(workspace, recipesDir);
  const config = loadSiteConfig(recipesDir, options.env ?? process.env);
  const files = listDirectory(recipesDir).filter((name) => name.endsWith('.bb')).sort();
  const candidates = new Map<string, Recipe[]>();
  for (const name of files) {
    const file = join(recipesDir, name);
    const recipe = parseRecipe({ file, text: await readFile(file, 'utf8'), config, readInclude: includeReader(recipesDir) });
    candidates.set(recipe.name, [...(candidates.get(recipe.name) ?? []), recipe]);
  }
  const preferences = recipeConfigVars(config);
  const recipes = new Map<string, Recipe>();
  for (const name of [...candidates.keys()].sort()) {
    recipes.set(name, chooseVersion(name, candidates.get(name)!, preferences, join(recipesDir, 'site.conf')));
  }
  return { workspace, recipes };
}

function checkRecipesDir(workspace: string, recipesDir: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(recipesDir).isDirectory();
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT' && errnoOf(err) !== 'ENOTDIR') throw err;
  }
  if (isDirectory) return;
  throw new HacktreeError('WORKSPACE_INVALID', `${workspace} is not a workspace: it has no recipes/ directory`, {
    hint: 'run in a workspace (a folder with recipes/, roots/ and artifacts/) or name one with -C DIR',
    data: { workspace },
  });
}

function loadSiteConfig(recipesDir: string, env: Readonly<Record<string, string | undefined>>): RecipeConfig {
  const file = join(recipesDir, 'site.conf');
  const text = readOptional(file);
  const prepend = new Map(MIRROR_ENVIRONMENT.flatMap(([envName, variable]) => (env[envName] ? [[variable, env[envName]!] as [string, string]] : [])));
  return parseRecipeConfig({ site: text === null ? undefined : { file, text }, readInclude: includeReader(recipesDir), prepend });
}

/** BitBake looks a relative include up beside the including file, then along BBPATH: here recipes/. */
function includeReader(recipesDir: string): ReadRecipeInclude {
  return (path, from) => {
    const candidates = isAbsolute(path) ? [path] : [join(dirname(from.file), path), join(recipesDir, path)];
    for (const file of candidates) {
      const text = readOptional(file);
      if (text !== null) return { file, text };
    }
    return null;
  };
}

function readOptional(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'EISDIR') return null;
    throw err;
  }
}

function chooseVersion(name: string, recipes: Recipe[], config: ReadonlyMap<string, string>, siteFile: string): Recipe {
  const preferred = config.get(`PREFERRED_VERSION_${name}`)?.trim();
  if (preferred) {
    const matches = recipes.filter((recipe) => (preferred.endsWith('%') ? recipe.version.startsWith(preferred.slice(0, -1)) : recipe.version === preferred));
    if (matches.length === 0) {
      throw new HacktreeError('RECIPE_NOT_FOUND', `${siteFile}: PREFERRED_VERSION_${name} = "${preferred}", but the recipes of ${name} have ${recipes.map((r) => r.version).join(', ')}`, {
        hint: 'name one of those versions, or add the recipe of that version',
        data: { name, preferred, versions: recipes.map((r) => r.version) },
      });
    }
    recipes = matches;
  }
  const sorted = [...recipes].sort((a, b) => compareVersions(b.version, a.version));
  if (sorted.length > 1 && compareVersions(sorted[0]!.version, sorted[1]!.version) === 0) {
    throw new HacktreeError('RECIPE_INVALID', `${sorted[0]!.file} and ${sorted[1]!.file} both define ${name} ${sorted[0]!.version}`, {
      hint: 'remove one of them, or give them different versions',
      data: { name, version: sorted[0]!.version, files: [sorted[0]!.file, sorted[1]!.file] },
    });
  }
  return sorted[0]!;
}
