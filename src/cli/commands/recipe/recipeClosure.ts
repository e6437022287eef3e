import { workspaceOption } from '../../options/workspaceOption.js';
import { defineCommand } from '../defineCommand.js';

export const recipeClosureCommand = defineCommand({
  command: 'closure <name>',
  describe: 'Print what a recipe needs at run time (RDEPENDS), recursively; with --build, what it needs to build (DEPENDS), in build order',
  positionals: { name: { type: 'string', demandOption: true, describe: 'the recipe name (PN)' } },
  options: {
    C: workspaceOption,
    build: { type: 'boolean', default: false, describe: 'the transitive build-time dependencies instead' },
  },
  examples: [
    ['$0 recipe closure hello', 'the recipes hello needs at run time'],
    ['$0 recipe closure hello --build', 'the recipes to build before hello, dependencies first'],
  ],
  run: async (args) => {
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { buildClosure, runtimeClosure } = await import('../../../model/recipe/recipeGraph.js');
    const set = await loadRecipeSet(args.C);
    const closure = args.build ? buildClosure(set, args.name) : runtimeClosure(set, args.name);
    return { name: args.name, kind: args.build ? 'build' : 'runtime', closure };
  },
  text: (result) => result.closure,
});
