import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { workspaceOption, type WorkspaceArgs } from '../../options/workspaceOption.js';

type Args = GlobalArgs & WorkspaceArgs;

export const recipeListCommand: CommandModule<GlobalArgs, Args> = {
  command: 'list',
  describe: 'List the recipes of the workspace: name, version, file (of several versions, the one chosen)',
  builder: (y) =>
    y
      .option('C', workspaceOption)
      .example('$0 recipe list', 'the recipes in ./recipes')
      .example('$0 recipe list -C ~/work --json', 'as JSON'),
  handler: async (argv) => {
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { relative } = await import('node:path');
    const set = await loadRecipeSet(argv.C);
    const recipes = [...set.recipes.values()].map((r) => ({ name: r.name, version: r.version, file: r.file, summary: r.vars.get('SUMMARY') ?? '' }));
    const nameWidth = Math.max(0, ...recipes.map((r) => r.name.length));
    const versionWidth = Math.max(0, ...recipes.map((r) => r.version.length));
    printResult(argv, recipes, () =>
      recipes.map((r) => `${r.name.padEnd(nameWidth)}  ${r.version.padEnd(versionWidth)}  ${relative(set.workspace, r.file)}`),
    );
  },
};
