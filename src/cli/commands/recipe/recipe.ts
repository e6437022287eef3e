import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { recipeClosureCommand } from './recipeClosure.js';
import { recipeGraphCommand } from './recipeGraph.js';
import { recipeListCommand } from './recipeList.js';
import { recipeShowCommand } from './recipeShow.js';

export const recipeCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'recipe <command>',
  describe: "Recipes (recipes/NAME_VERSION.bb): list, show one, the dependency graph, a recipe's closure",
  builder: (y) =>
    y
      .command(recipeListCommand)
      .command(recipeShowCommand)
      .command(recipeGraphCommand)
      .command(recipeClosureCommand)
      .demandCommand(1)
      .example('$0 recipe list -C ~/work', 'the recipes of the workspace ~/work'),
  handler: () => {},
};
