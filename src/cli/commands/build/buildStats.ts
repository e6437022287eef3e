import { workspaceOption } from '../../options/workspaceOption.js';
import { defineCommand } from '../defineCommand.js';

export const buildStatsCommand = defineCommand({
  command: 'stats [recipes..]',
  describe: 'Compare the last two builds of each recipe (artifacts/.builds/stats.json): the slowest steps, what grew',
  positionals: { recipes: { type: 'string', array: true, default: [], describe: 'recipes to compare (default: every recipe built)' } },
  options: { C: workspaceOption },
  examples: [
    ['$0 build stats', 'each recipe: its last build against the one before, its slowest steps, what grew'],
    ['$0 build stats progb --json', "progb's two last builds, every step and artifact size, as JSON"],
  ],
  run: async (args) => {
    const { join, resolve } = await import('node:path');
    const { buildStatsPath, readBuildStats } = await import('../../../builder/plan/buildStats.js');
    const { compareBuildStats } = await import('../../../model/artifact/compareBuildStats.js');
    const artifactsDir = join(resolve(args.C), 'artifacts');
    return { comparisons: compareBuildStats(readBuildStats(artifactsDir), args.recipes), file: buildStatsPath(artifactsDir) };
  },
  json: ({ comparisons }) => comparisons,
  text: async ({ comparisons, file }, args) => {
    const { formatBuildComparison } = await import('../../output/formatBuildComparison.js');
    return comparisons.length === 0 ? `no builds recorded in ${file}${args.recipes.length > 0 ? ` for ${args.recipes.join(', ')}` : ''}` : formatBuildComparison(comparisons);
  },
});
