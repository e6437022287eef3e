import type { RecipeEdge } from './recipeGraph.js';

/**
 * A dependency graph as text: one "a -> b" line per edge, then every recipe without edges on
 * a line of its own; or, with `dot`, a graphviz digraph.
 */
export function formatRecipeGraph(recipes: readonly string[], edges: readonly RecipeEdge[], options: { dot?: boolean } = {}): string[] {
  const linked = new Set(edges.flatMap((edge) => [edge.from, edge.to]));
  const alone = recipes.filter((name) => !linked.has(name));
  if (!options.dot) return [...edges.map((edge) => `${edge.from} -> ${edge.to}`), ...alone];
  const quote = (name: string) => JSON.stringify(name);
  return [
    'digraph recipes {',
    '  rankdir=LR;',
    ...recipes.map((name) => `  ${quote(name)};`),
    ...edges.map((edge) => `  ${quote(edge.from)} -> ${quote(edge.to)}${edge.kind === 'runtime' ? ' [style=dashed]' : ''};`),
    '}',
  ];
}
