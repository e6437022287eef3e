import { resolve } from 'node:path';
import { recipeMirrors } from '../../model/recipe/mirrorUrls.js';
import { requireRecipe } from '../../model/recipe/recipeGraph.js';
import { fetchSources, type FetchedSource } from './fetchSources.js';
import { loadRecipeSet } from '../recipes/loadRecipeSet.js';

/** `hacktree fetch [RECIPE...]`: downloads and verifies the sources of recipes (default: all), builds nothing. */
export async function fetchWorkspaceSources(options: {
  workspace: string;
  recipes: string[];
  sourceCache: string;
  onStep?: (step: string) => void;
}): Promise<Array<{ recipe: string; sources: FetchedSource[] }>> {
  const set = await loadRecipeSet(resolve(options.workspace));
  const names = options.recipes.length > 0 ? options.recipes : [...set.recipes.keys()].sort();
  const out = [];
  for (const name of names) {
    const recipe = requireRecipe(set, name);
    options.onStep?.(`fetch ${name}`);
    out.push({ recipe: name, sources: await fetchSources({ recipe, sourceCache: options.sourceCache, ...recipeMirrors(recipe) }) });
  }
  return out;
}
