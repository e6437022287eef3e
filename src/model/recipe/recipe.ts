/**
 * A parsed recipe: the metadata-only BitBake subset of `recipes/NAME_VERSION.bb` after every
 * assignment, include, override-style operation (:append, :prepend, :remove) and `${VAR}`
 * expansion has been applied. The parser (src/model/recipe/parseRecipe.ts) makes it from text; the
 * loader (src/builder/recipes/loadRecipeSet.ts) reads files; everything downstream (sources, build id,
 * sandbox) reads only this.
 */
export interface Recipe {
  /** PN, from the file name `PN_PV.bb`. */
  name: string;
  /** PV, from the file name. */
  version: string;
  /** Absolute path of the .bb file. */
  file: string;
  /** Absolute paths of every file `include`d or `require`d, in the order read. */
  includes: string[];
  /** Every variable's final, fully expanded value (BitBake's defaults included). */
  vars: ReadonlyMap<string, string>;
  /** Variable flags, expanded: `SRC_URI[sha256sum]` is flags.get('SRC_URI')?.get('sha256sum'). */
  flags: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Variables marked `export`: they go into the build's environment. */
  exported: ReadonlySet<string>;
  /** Where each variable was last assigned, for errors that name file:line. */
  origins: ReadonlyMap<string, SourceLocation>;
}

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
}

/** A recipe's value of VAR, or '' when unset (BitBake's d.getVar(...) or ''). */
export function recipeVar(recipe: Recipe, name: string): string {
  return recipe.vars.get(name) ?? '';
}

/** A space-separated list variable (DEPENDS, RDEPENDS, SRC_URI, EXTRA_OECONF...) as words. */
export function recipeList(recipe: Recipe, name: string): string[] {
  return recipeVar(recipe, name).split(/\s+/).filter((word) => word.length > 0);
}
