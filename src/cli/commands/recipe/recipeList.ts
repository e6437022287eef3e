import { relative } from 'node:path';
import { workspaceOption } from '../../options/workspaceOption.js';
import { defineCommand } from '../defineCommand.js';

export const recipeListCommand = defineCommand({
  command: 'list',
  describe: 'List the recipes of the workspace: name, version, file (of several versions, the one chosen)',
  options: { C: workspaceOption },
  examples: [
    ['$0 recipe list', 'the recipes in ./recipes'],
    ['$0 recipe list -C ~/work --json', 'as JSON'],
  ],
  run: async (args) => {
    const { loadRecipeSet } = await import('../../../builder/recipes/loadRecipeSet.js');
    const set = await loadRecipeSet(args.C);
    const recipes = [...set.recipes.values()].map((r) => ({ name: r.name, version: r.version, file: r.file, summary: r.vars.get('SUMMARY') ?? '' }));
    return { workspace: set.workspace, recipes };
  },
  json: ({ recipes }) => recipes,
  text: ({ workspace, recipes }) => {
    const nameWidth = Math.max(0, ...recipes.map((r) => r.name.length));
    const versionWidth = Math.max(0, ...recipes.map((r) => r.version.length));
    return recipes.map((r) => `${r.name.padEnd(nameWidth)}  ${r.version.padEnd(versionWidth)}  ${relative(workspace, r.file)}`);
  },
});
