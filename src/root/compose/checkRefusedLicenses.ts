import { HacktreeError } from '../../errors/HacktreeError.js';
import { recipeLicense } from '../../model/recipe/recipeLicense.js';
import type { RecipeSet } from '../../model/recipe/recipeSet.js';
import { refusedLicenses } from '../../model/root/refusedLicenses.js';

export interface CheckRefusedLicensesOptions {
  /** The root being composed, and the definition file that refuses, for the message. */
  root: string;
  definition: string;
  refuse: readonly string[];
  /** The root's components and the versions of their artifacts (a component may appear twice: runtime and devel). */
  components: ReadonlyArray<{ component: string; version: string }>;
  /** The recipes the components were built from; loaded only when something is refused. */
  loadRecipes?: () => Promise<RecipeSet>;
}

/**
 * Refuses a root whose definition refuses a license a component carries (by its recipe's
 * LICENSE; OR, AND and -or-later as refusedLicenses says): LICENSE_REFUSED naming every such
 * component with its license, before anything is imported or committed.
 */
export async function checkRefusedLicenses(options: CheckRefusedLicensesOptions): Promise<void> {
  if (options.refuse.length === 0) return;
  const set = await options.loadRecipes?.();
  const refused: Array<{ component: string; license: string; refused: string[] }> = [];
  const versions = new Map(options.components.map((c) => [c.component, c.version]));
  for (const [component, version] of versions) {
    const recipe = set?.recipes.get(component);
    if (recipe !== undefined && version !== '' && recipe.version !== version) {
      throw new HacktreeError('RECIPE_NOT_FOUND', `${options.definition} refuses ${options.refuse.join(', ')}, but the artifacts of component ${component} are version ${version} and its recipe ${recipe.file} is ${recipe.version}, so their license is unknown`, {
        hint: `build ${component} ${recipe.version} first ("hacktree build ${component}"), or compose in the workspace that has the recipe of ${version}`,
        data: { component, root: options.root, version, recipeVersion: recipe.version },
      });
    }
    if (recipe === undefined) {
      throw new HacktreeError('RECIPE_NOT_FOUND', `${options.definition} refuses ${options.refuse.join(', ')}, but component ${component} of ${options.root} has no recipe${set ? ` in ${set.workspace}/recipes` : ''}, so its license is unknown`, {
        hint: 'compose in the workspace whose recipes built the artifacts (--roots WORKSPACE/roots), or add the recipe',
        data: { component, root: options.root },
      });
    }
    const license = recipeLicense(recipe);
    const ids = refusedLicenses(license.expression, options.refuse);
    if (ids.length > 0) refused.push({ component, license: license.expression, refused: ids });
  }
  if (refused.length === 0) return;
  const lines = refused.map((r) => `component ${r.component} is licensed ${r.license}, and ${options.definition} refuses ${r.refused.join(' and ')}`);
  throw new HacktreeError('LICENSE_REFUSED', `root ${options.root} cannot be composed: ${lines.join('; ')}`, {
    hint: 'take the component out of the root definition, build it under a license the root accepts, or change "refuse" (an "A OR B" component is accepted when either license is)',
    data: { root: options.root, definition: options.definition, refused },
  });
}
