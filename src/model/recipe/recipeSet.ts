import type { Recipe } from './recipe.js';

/** The recipes of a workspace, by PN: one recipe per name (the preferred or highest version). */
export interface RecipeSet {
  /** Absolute path of the workspace (the folder holding recipes/, roots/, artifacts/). */
  workspace: string;
  recipes: ReadonlyMap<string, Recipe>;
}
