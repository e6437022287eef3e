import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { stepReporter } from '../../output/stepReporter.js';
import { workspaceOption, type WorkspaceArgs } from '../../options/workspaceOption.js';

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
    const { fetchWorkspaceSources } = await import('../../../builder/sources/fetchWorkspaceSources.js');
    const { resolveSourceCache } = await import('../../../builder/plan/buildSettings.js');
    const result = await fetchWorkspaceSources({
      workspace: argv.C,
      recipes: argv.recipes,
      sourceCache: resolveSourceCache(),
      onStep: stepReporter(argv),
      onWarning: (warning) => argv.quiet || process.stderr.write(`hacktree: warning: ${warning}\n`),
    });
    printResult(argv, result, () => result.flatMap((r) => r.sources.map((s) => `${r.recipe}: ${s.path} sha256:${s.sha256}`)));
  },
};
