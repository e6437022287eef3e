import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { workspaceOption, type WorkspaceArgs } from '../../options/workspaceOption.js';

interface Args extends GlobalArgs, WorkspaceArgs {
  runtime: boolean;
  dot: boolean;
}

export const recipeGraphCommand: CommandModule<GlobalArgs, Args> = {
  command: 'graph',
  describe: 'Print the dependency graph, "a -> b" per DEPENDS edge (checks that every dependency is a recipe and DEPENDS has no cycle)',
  builder: (y) =>
    y
      .option('C', workspaceOption)
      .option('runtime', { type: 'boolean', default: false, describe: 'the run-time edges (RDEPENDS) instead of the build ones (DEPENDS)' })
      .option('dot', { type: 'boolean', default: false, describe: 'print a graphviz digraph' })
      .example('$0 recipe graph', 'build edges, then the recipes without any')
      .example('$0 recipe graph --dot | dot -Tsvg > recipes.svg', 'draw it'),
  handler: async (argv) => {
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { buildOrder, recipeEdges } = await import('../../../model/recipe/recipeGraph.js');
    const { formatRecipeGraph } = await import('../../../model/recipe/formatRecipeGraph.js');
    const set = await loadRecipeSet(argv.C);
    const order = buildOrder(set);
    const edges = recipeEdges(set, argv.runtime ? 'runtime' : 'build');
    const recipes = [...set.recipes.keys()].sort();
    printResult(argv, { recipes, buildOrder: order, edges }, () => formatRecipeGraph(recipes, edges, { dot: argv.dot }));
  },
};
