import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { workspaceOption, type WorkspaceArgs } from '../../options/workspaceOption.js';

interface Args extends GlobalArgs, WorkspaceArgs {
  name: string;
}

export const recipeShowCommand: CommandModule<GlobalArgs, Args> = {
  command: 'show <name>',
  describe: 'Show a recipe: file, includes, PN/PV, summary, license (SPDX), sources with checksums, dependencies, configure options',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'the recipe name (PN)' })
      .option('C', workspaceOption)
      .example('$0 recipe show hello', 'the final values of its main variables')
      .example('$0 recipe show hello --json', 'every variable and flag, with where it was set'),
  handler: async (argv) => {
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { recipeDependencies, requireRecipe } = await import('../../../model/recipe/recipeGraph.js');
    const { recipeList, recipeVar } = await import('../../../model/recipe/recipe.js');
    const { recipeToJson } = await import('../../../model/recipe/recipeJson.js');
    const { recipeLicense } = await import('../../../model/recipe/recipeLicense.js');
    const { isHacktreeError } = await import('../../../errors/HacktreeError.js');
    const { relative } = await import('node:path');
    const set = await loadRecipeSet(argv.C);
    const recipe = requireRecipe(set, argv.name);
    const field = (label: string, value: string) => `${`${label}:`.padEnd(13)} ${value}`.trimEnd();
    const list = (name: string) => recipeList(recipe, name).join(' ');
    const runtime = recipeDependencies(recipe, 'runtime').map((dependency) => dependency.name).join(' ');
    const warn = (warning: string) => argv.quiet || process.stderr.write(`hacktree: warning: ${warning}\n`);
    // A recipe with a bad LICENSE is still shown (that is how one looks for the mistake); build refuses it.
    const license = (() => {
      try {
        return recipeLicense(recipe);
      } catch (err) {
        if (!isHacktreeError(err, 'LICENSE_INVALID')) throw err;
        warn(err.message);
        return null;
      }
    })();
    license?.warnings.forEach(warn);
    const written = recipeVar(recipe, 'LICENSE').trim();
    const licenseText = license === null ? `${written} (not an SPDX expression)` : license.expression === written ? written : `${license.expression} (written ${written})`;
    printResult(argv, { ...recipeToJson(recipe), license }, () => [
      field('file', relative(set.workspace, recipe.file)),
      ...recipe.includes.map((file) => field('include', relative(set.workspace, file))),
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
    ]);
  },
};
