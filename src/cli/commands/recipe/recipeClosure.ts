import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { workspaceOption, type WorkspaceArgs } from '../../options/workspaceOption.js';

interface Args extends GlobalArgs, WorkspaceArgs {
  name: string;
  build: boolean;
}

export const recipeClosureCommand: CommandModule<GlobalArgs, Args> = {
  command: 'closure <name>',
  describe: 'Print what a recipe needs at run time (RDEPENDS), recursively; with --build, what it needs to build (DEPENDS), in build order',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'the recipe name (PN)' })
      .option('C', workspaceOption)
      .option('build', { type: 'boolean', default: false, describe: 'the transitive build-time dependencies instead' })
      .example('$0 recipe closure hello', 'the recipes hello needs at run time')
      .example('$0 recipe closure hello --build', 'the recipes to build before hello, dependencies first'),
  handler: async (argv) => {
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { buildClosure, runtimeClosure } = await import('../../../model/recipe/recipeGraph.js');
    const set = await loadRecipeSet(argv.C);
    const closure = argv.build ? buildClosure(set, argv.name) : runtimeClosure(set, argv.name);
    printResult(argv, { name: argv.name, kind: argv.build ? 'build' : 'runtime', closure }, () => closure);
  },
};
