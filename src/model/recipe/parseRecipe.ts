import { evaluateRecipeFile, type ReadRecipeInclude, type RecipeText } from './evaluateRecipeFile.js';
import { finalizeRecipeData } from './finalizeRecipeData.js';
import type { Recipe } from './recipe.js';
import { cloneRecipeData, recipeVariable, type RecipeData } from './recipeData.js';
import { RECIPE_DEFAULTS, RECIPE_DEFAULTS_FILE } from './recipeDefaults.js';
import { checkRecipeNameAndVersion, parseRecipeFileName } from './recipeFileName.js';

export type { ReadRecipeInclude, RecipeText } from './evaluateRecipeFile.js';

/** The datastore every recipe starts from: BitBake's defaults, then the site configuration. */
export interface RecipeConfig {
  data: RecipeData;
  /** The files the configuration included, in the order read. */
  includes: string[];
}

export interface ParseRecipeConfigOptions {
  /** recipes/site.conf, when there is one. */
  site?: RecipeText;
  readInclude?: ReadRecipeInclude;
  /** Values put in front of variables after the site configuration, like `VAR:prepend = "value "`. */
  prepend?: ReadonlyMap<string, string>;
}

/** Parses the defaults and the site configuration once, for every recipe of a set. */
export function parseRecipeConfig(options: ParseRecipeConfigOptions = {}): RecipeConfig {
  const data: RecipeData = new Map();
  const context = { readInclude: options.readInclude ?? (() => null), includes: [] };
  evaluateRecipeFile(data, { file: RECIPE_DEFAULTS_FILE, text: RECIPE_DEFAULTS }, context);
  if (options.site) evaluateRecipeFile(data, options.site, context);
  for (const [name, value] of options.prepend ?? []) {
    if (value.trim() !== '') recipeVariable(data, name).prepends.push(`${value} `);
  }
  return { data, includes: context.includes };
}

/** The configuration's own final values (PREFERRED_VERSION_*, mirrors), without a recipe. */
export function recipeConfigVars(config: RecipeConfig): ReadonlyMap<string, string> {
  return finalizeRecipeData(config.data).vars;
}

export interface ParseRecipeOptions extends RecipeText {
  /** From parseRecipeConfig; the defaults alone when not given. */
  config?: RecipeConfig;
  readInclude?: ReadRecipeInclude;
}

/**
 * Parses a recipe `PN_PV.bb` (BitBake's metadata-only subset, see docs/recipes.md) into its
 * final variables and flags. Pure: includes are read through `readInclude`.
 */
export function parseRecipe(options: ParseRecipeOptions): Recipe {
  const fromName = parseRecipeFileName(options.file);
  const data = cloneRecipeData((options.config ?? parseRecipeConfig()).data);
  recipeVariable(data, 'PN').value = fromName.name;
  recipeVariable(data, 'PV').value = fromName.version;
  const context = { readInclude: options.readInclude ?? (() => null), includes: [] as string[] };
  evaluateRecipeFile(data, options, context);
  const final = finalizeRecipeData(data);
  const name = final.vars.get('PN') ?? '';
  const version = final.vars.get('PV') ?? '';
  checkRecipeNameAndVersion(name, version, options.file);
  return { name, version, file: options.file, includes: context.includes, ...final };
}
