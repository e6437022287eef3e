import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { stepReporter } from '../../output/stepReporter.js';
import { workspaceOption, type WorkspaceArgs } from '../../options/workspaceOption.js';

interface Args extends GlobalArgs, WorkspaceArgs {
  name: string;
  dir: string;
}

export const rootSourcesCommand: CommandModule<GlobalArgs, Args> = {
  command: 'sources <name> <dir>',
  describe: "Write the corresponding source of a root: every source archive, patch and recipe that built its components, with DIR/index.json and DIR/SOURCES.md",
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'root name (branch root-NAME), or a branch, ref or commit' })
      .positional('dir', { type: 'string', demandOption: true, describe: 'a new directory (absent or empty) to write them to' })
      .option('C', { ...workspaceOption, describe: 'the workspace whose recipes built the root (recipes/, artifacts/)' })
      .example('$0 root sources 3.2-runtime-opt-x86_64 /srv/source/3.2', 'what to publish beside the root for the GPL\'s source offer'),
  handler: async (argv) => {
    const { rootComponents } = await import('../../../root/read/rootComponents.js');
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { componentRecipeFacts } = await import('../../../builder/recipes/componentRecipeFacts.js');
    const { writeCorrespondingSource } = await import('../../../builder/sources/writeCorrespondingSource.js');
    const { resolveSourceCache } = await import('../../../builder/plan/buildSettings.js');
    const set = await loadRecipeSet(argv.C);
    const components = await rootComponents({ repoDir: argv.repo, name: argv.name, facts: componentRecipeFacts(set) });
    const index = await writeCorrespondingSource({
      root: argv.name,
      components,
      workspace: set.workspace,
      dir: argv.dir,
      sourceCache: resolveSourceCache(),
      onStep: stepReporter(argv),
    });
    const files = new Set(index.components.flatMap((c) => c.files.map((f) => f.path)));
    printResult(argv, index, () => [
      ...index.components.map((c) => `${c.name} ${c.version}  ${c.license}  ${c.files.length} files`),
      `${files.size} files in ${argv.dir} (index.json, SOURCES.md)`,
    ]);
  },
};
