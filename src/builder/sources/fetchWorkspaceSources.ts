import { resolve } from 'node:path';
import { recipeMirrors } from '../../model/recipe/mirrorUrls.js';
import { requireRecipe } from '../../model/recipe/recipeGraph.js';
import { fetchSources, type FetchedSource } from './fetchSources.js';
import { checkRecipeLicenses } from '../recipes/checkRecipeLicenses.js';
import { loadRecipeSet } from '../recipes/loadRecipeSet.js';

/**
 * `hacktree fetch [RECIPE...]`: downloads and verifies the sources of recipes (default: all),
 * builds nothing; every LICENSE is checked first, as `hacktree build` does.
 */
export async function fetchWorkspaceSources(options: {
  workspace: string;
  recipes: string[];
  sourceCache: string;
  onStep?: (step: string) => void;
  onWarning?: (warning: string) => void;
}): Promise<Array<{ recipe: string; sources: FetchedSource[] }>> {
  const set = await loadRecipeSet(resolve(options.workspace));
  const names = options.recipes.length > 0 ? options.recipes : [...set.recipes.keys()].sort();
  const recipes = names.map((name) => requireRecipe(set, name));
  checkRecipeLicenses(recipes, options.onWarning);
  const out = [];
  for (const recipe of recipes) {
    const name = recipe.name;
    options.onStep?.(`fetch ${name}`);
    out.push({ recipe: name, sources: await fetchSources({ recipe, sourceCache: options.sourceCache, ...recipeMirrors(recipe) }) });
  }
  return out;
}
