import { relative } from 'node:path';
import { workspaceOption } from '../../options/workspaceOption.js';
import { defineCommand } from '../defineCommand.js';

export const recipeShowCommand = defineCommand({
  command: 'show <name>',
  describe: 'Show a recipe: file, includes, PN/PV, summary, license, sources with checksums, dependencies, configure options',
  positionals: { name: { type: 'string', demandOption: true, describe: 'the recipe name (PN)' } },
  options: { C: workspaceOption },
  examples: [
    ['$0 recipe show hello', 'the final values of its main variables'],
    ['$0 recipe show hello --json', 'every variable and flag, with where it was set'],
  ],
  run: async (args) => {
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { recipeDependencies, requireRecipe } = await import('../../../model/recipe/recipeGraph.js');
    const { recipeToJson } = await import('../../../model/recipe/recipeJson.js');
    const set = await loadRecipeSet(args.C);
    const recipe = requireRecipe(set, args.name);
    const runtime = recipeDependencies(recipe, 'runtime').map((dependency) => dependency.name).join(' ');
    return { workspace: set.workspace, recipe, runtime, json: recipeToJson(recipe) };
  },
  json: ({ json }) => json,
  text: async ({ workspace, recipe, runtime }) => {
    const { recipeList, recipeVar } = await import('../../../model/recipe/recipe.js');
    const field = (label: string, value: string) => `${`${label}:`.padEnd(13)} ${value}`.trimEnd();
    const list = (name: string) => recipeList(recipe, name).join(' ');
    return [
      field('file', relative(workspace, recipe.file)),
      ...recipe.includes.map((file) => field('include', relative(workspace, file))),
      field('PN', recipe.name),
      field('PV', recipe.version),
      field('SUMMARY', recipeVar(recipe, 'SUMMARY')),
      field('HOMEPAGE', recipeVar(recipe, 'HOMEPAGE')),
      field('LICENSE', recipeVar(recipe, 'LICENSE')),
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
