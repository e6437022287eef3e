import { defineGroup } from '../defineGroup.js';
import { recipeClosureCommand } from './recipeClosure.js';
import { recipeGraphCommand } from './recipeGraph.js';
import { recipeListCommand } from './recipeList.js';
import { recipeShowCommand } from './recipeShow.js';

export const recipeCommand = defineGroup({
  command: 'recipe <command>',
  describe: "Recipes (recipes/NAME_VERSION.bb): list, show one, the dependency graph, a recipe's closure",
  commands: [recipeListCommand, recipeShowCommand, recipeGraphCommand, recipeClosureCommand],
  examples: [['$0 recipe list -C ~/work', 'the recipes of the workspace ~/work']],
});
