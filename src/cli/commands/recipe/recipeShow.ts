import { relative } from 'node:path';
import { workspaceOption } from '../../options/workspaceOption.js';
import { defineCommand } from '../defineCommand.js';

export const recipeShowCommand = defineCommand({
  command: 'show <name>',
  describe: 'Show a recipe: file, includes, PN/PV, summary, license (SPDX), sources with checksums, dependencies, configure options',
  positionals: { name: { type: 'string', demandOption: true, describe: 'the recipe name (PN)' } },
  options: { C: workspaceOption },
  examples: [
    ['$0 recipe show hello', 'the final values of its main variables'],
    ['$0 recipe show hello --json', 'every variable and flag, with where it was set'],
  ],
  run: async (args, ui) => {
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { recipeDependencies, requireRecipe } = await import('../../../model/recipe/recipeGraph.js');
    const { recipeToJson } = await import('../../../model/recipe/recipeJson.js');
    const { recipeLicense } = await import('../../../model/recipe/recipeLicense.js');
    const { isHacktreeError } = await import('../../../errors/HacktreeError.js');
    const set = await loadRecipeSet(args.C);
    const recipe = requireRecipe(set, args.name);
    const runtime = recipeDependencies(recipe, 'runtime').map((dependency) => dependency.name).join(' ');
    // A recipe with a bad LICENSE is still shown (that is how one looks for the mistake); build refuses it.
    const license = (() => {
      try {
        return recipeLicense(recipe);
      } catch (err) {
        if (!isHacktreeError(err, 'LICENSE_INVALID')) throw err;
        ui.warn(err.message);
        return null;
      }
    })();
    license?.warnings.forEach(ui.warn);
    return { workspace: set.workspace, recipe, runtime, license, json: { ...recipeToJson(recipe), license } };
  },
  json: ({ json }) => json,
  text: async ({ workspace, recipe, runtime, license }) => {
    const { recipeList, recipeVar } = await import('../../../model/recipe/recipe.js');
    const field = (label: string, value: string) => `${`${label}:`.padEnd(13)} ${value}`.trimEnd();
    const list = (name: string) => recipeList(recipe, name).join(' ');
    const written = recipeVar(recipe, 'LICENSE').trim();
    const licenseText = license === null ? `${written} (not an SPDX expression)` : license.expression === written ? written : `${license.expression} (written ${written})`;
    return [
      field('file', relative(workspace, recipe.file)),
      ...recipe.includes.map((file) => field('include', relative(workspace, file))),
      field('PN', recipe.name),
      field('PV', recipe.version),
      field('SUMMARY', recipeVar(recipe, 'SUMMARY')),
      field('HOMEPAGE', recipeVar(recipe, 'HOMEPAGE')),
      field('LICENSE', licenseText),
      field('DEPENDS', list('DEPENDS')),
      field('RDEPENDS', runtime),
      field('EXTRA_OECONF', list('EXTRA_OECONF')),
      'SRC_URI:',
      ...recipeList(recipe, 'SRC_URI').map((uri) => `  ${uri}`),
      ...[...(recipe.flags.get('SRC_URI') ?? [])].map(([flag, value]) => `  [${flag}] ${value}`),
      ...(recipe.vars.has('LIC_FILES_CHKSUM') ? ['LIC_FILES_CHKSUM:', ...recipeList(recipe, 'LIC_FILES_CHKSUM').map((entry) => `  ${entry}`)] : []),
    ];
  },
});
