import type { Recipe, SourceLocation } from './recipe.js';

/** A recipe as plain JSON: every variable, flag, exported name and origin. */
export interface RecipeJson {
  name: string;
  version: string;
  file: string;
  includes: string[];
  vars: Record<string, string>;
  flags: Record<string, Record<string, string>>;
  exported: string[];
  origins: Record<string, SourceLocation>;
}

export function recipeToJson(recipe: Recipe): RecipeJson {
  return {
    name: recipe.name,
    version: recipe.version,
    file: recipe.file,
    includes: [...recipe.includes],
    vars: Object.fromEntries(recipe.vars),
    flags: Object.fromEntries([...recipe.flags].map(([name, flags]) => [name, Object.fromEntries(flags)])),
    exported: [...recipe.exported].sort(),
    origins: Object.fromEntries(recipe.origins),
  };
}
