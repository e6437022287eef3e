import { workspaceOption } from '../../options/workspaceOption.js';
import { defineCommand } from '../defineCommand.js';

export const rootSourcesCommand = defineCommand({
  command: 'sources <name> <dir>',
  describe: 'Write the corresponding source of a root: every source archive, patch and recipe that built its components, with DIR/index.json and DIR/SOURCES.md',
  positionals: {
    name: { type: 'string', demandOption: true, describe: 'root name (branch root-NAME), or a branch, ref or commit' },
    dir: { type: 'string', demandOption: true, describe: 'a new directory (absent or empty) to write them to' },
  },
  options: { C: { ...workspaceOption, describe: 'the workspace whose recipes built the root (recipes/, artifacts/)' } },
  examples: [['$0 root sources 3.2-runtime-opt-x86_64 /srv/source/3.2', "what to publish beside the root for the GPL's source offer"]],
  run: async (args, ui) => {
    const { rootComponents } = await import('../../../root/read/rootComponents.js');
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const { componentRecipeFacts } = await import('../../../builder/recipes/componentRecipeFacts.js');
    const { writeCorrespondingSource } = await import('../../../builder/sources/writeCorrespondingSource.js');
    const { resolveSourceCache } = await import('../../../builder/plan/buildSettings.js');
    const set = await loadRecipeSet(args.C);
    const components = await rootComponents({ repoDir: args.repo, name: args.name, facts: componentRecipeFacts(set) });
    return writeCorrespondingSource({ root: args.name, components, workspace: set.workspace, dir: args.dir, sourceCache: resolveSourceCache(), onStep: ui.step });
  },
  text: (index, args) => {
    const files = new Set(index.components.flatMap((c) => c.files.map((f) => f.path)));
    return [...index.components.map((c) => `${c.name} ${c.version}  ${c.license}  ${c.files.length} files`), `${files.size} files in ${args.dir} (index.json, SOURCES.md)`];
  },
});
