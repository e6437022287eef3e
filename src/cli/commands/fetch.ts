import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globalArgs.js';
import { printResult } from '../output.js';
import { stepReporter } from '../stepReporter.js';
import { workspaceOption, type WorkspaceArgs } from '../workspaceOption.js';

interface Args extends GlobalArgs, WorkspaceArgs {
  recipes: string[];
}

export const fetchCommand: CommandModule<GlobalArgs, Args> = {
  command: 'fetch [recipes..]',
  describe: 'Download and verify recipes\' sources into the source cache, build nothing',
  builder: (y) =>
    y
      .option('C', workspaceOption)
      .positional('recipes', { type: 'string', array: true, default: [], describe: 'recipes (default: all)' })
      .example('$0 fetch', 'every recipe\'s sources, e.g. before going offline')
      .example('$0 fetch hello -C ~/my-workspace', 'one recipe of another workspace'),
  handler: async (argv) => {
    const { fetchWorkspaceSources } = await import('../../build/fetchWorkspaceSources.js');
    const { resolveSourceCache } = await import('../../build/buildSettings.js');
    const result = await fetchWorkspaceSources({ workspace: argv.C, recipes: argv.recipes, sourceCache: resolveSourceCache(), onStep: stepReporter(argv) });
    printResult(argv, result, () => result.flatMap((r) => r.sources.map((s) => `${r.recipe}: ${s.path} sha256:${s.sha256}`)));
  },
};
