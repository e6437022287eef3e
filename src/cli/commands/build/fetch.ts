import { workspaceOption } from '../../options/workspaceOption.js';
import { defineCommand } from '../defineCommand.js';

export const fetchCommand = defineCommand({
  command: 'fetch [recipes..]',
  describe: 'Download and verify recipes\' sources into the source cache, build nothing',
  positionals: { recipes: { type: 'string', array: true, default: [], describe: 'recipes (default: all)' } },
  options: { C: workspaceOption },
  examples: [
    ['$0 fetch', 'every recipe\'s sources, e.g. before going offline'],
    ['$0 fetch hello -C ~/my-workspace', 'one recipe of another workspace'],
  ],
  run: async (args, ui) => {
    const { fetchWorkspaceSources } = await import('../../../builder/sources/fetchWorkspaceSources.js');
    const { resolveSourceCache } = await import('../../../builder/plan/buildSettings.js');
    return fetchWorkspaceSources({ workspace: args.C, recipes: args.recipes, sourceCache: resolveSourceCache(), onStep: ui.step, onWarning: ui.warn });
  },
  text: (result) => result.flatMap((r) => r.sources.map((s) => `${r.recipe}: ${s.path} sha256:${s.sha256}`)),
});
