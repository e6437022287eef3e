import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { workspaceOption, type WorkspaceArgs } from '../../options/workspaceOption.js';

interface Args extends GlobalArgs, WorkspaceArgs {
  recipes: string[];
}

export const buildStatsCommand: CommandModule<GlobalArgs, Args> = {
  command: 'stats [recipes..]',
  describe: 'Compare the last two builds of each recipe (artifacts/.builds/stats.json): the slowest steps, what grew',
  builder: (y) =>
    y
      .option('C', workspaceOption)
      .positional('recipes', { type: 'string', array: true, default: [], describe: 'recipes to compare (default: every recipe built)' })
      .example('$0 build stats', 'each recipe: its last build against the one before, its slowest steps, what grew')
      .example('$0 build stats progb --json', "progb's two last builds, every step and artifact size, as JSON"),
  handler: async (argv) => {
    const { join, resolve } = await import('node:path');
    const { buildStatsPath, readBuildStats } = await import('../../../builder/plan/buildStats.js');
    const { compareBuildStats } = await import('../../../model/artifact/compareBuildStats.js');
    const { formatBuildComparison } = await import('../../output/formatBuildComparison.js');
    const artifactsDir = join(resolve(argv.C), 'artifacts');
    const comparisons = compareBuildStats(readBuildStats(artifactsDir), argv.recipes);
    printResult(argv, comparisons, () => (comparisons.length === 0 ? `no builds recorded in ${buildStatsPath(artifactsDir)}${argv.recipes.length > 0 ? ` for ${argv.recipes.join(', ')}` : ''}` : formatBuildComparison(comparisons)));
  },
};
