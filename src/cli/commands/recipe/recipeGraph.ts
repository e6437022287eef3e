import { workspaceOption } from '../../options/workspaceOption.js';
import { defineCommand } from '../defineCommand.js';

export const recipeGraphCommand = defineCommand({
  command: 'graph',
  describe: 'Print the dependency graph, "a -> b" per DEPENDS edge (checks that every dependency is a recipe and DEPENDS has no cycle)',
  options: {
    C: workspaceOption,
    runtime: { type: 'boolean', default: false, describe: 'the run-time edges (RDEPENDS) instead of the build ones (DEPENDS)' },
    dot: { type: 'boolean', default: false, describe: 'print a graphviz digraph' },
  },
  examples: [
    ['$0 recipe graph', 'build edges, then the recipes without any'],
    ['$0 recipe graph --dot | dot -Tsvg > recipes.svg', 'draw it'],
  ],
  run: async (args) => {
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { buildOrder, recipeEdges } = await import('../../../model/recipe/recipeGraph.js');
    const set = await loadRecipeSet(args.C);
    const order = buildOrder(set);
    const edges = recipeEdges(set, args.runtime ? 'runtime' : 'build');
    return { recipes: [...set.recipes.keys()].sort(), buildOrder: order, edges };
  },
  text: async (graph, args) => {
    const { formatRecipeGraph } = await import('../../../model/recipe/formatRecipeGraph.js');
    return formatRecipeGraph(graph.recipes, graph.edges, { dot: args.dot });
  },
});
