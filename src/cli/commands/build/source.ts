import { relative } from 'node:path';
import { workspaceOption } from '../../options/workspaceOption.js';
import { defineCommand } from '../defineCommand.js';

export const sourceCommand = defineCommand({
  command: 'source <recipe> [dir]',
  describe: 'Put the source a recipe builds, one git commit per patch, in a new work tree to edit and rebuild',
  positionals: {
    recipe: { type: 'string', demandOption: true, describe: 'the recipe (its PN)' },
    dir: { type: 'string', describe: 'the new work tree, relative to the current directory (not to -C); it must not exist or be empty', defaultDescription: './RECIPE' },
  },
  options: { C: workspaceOption },
  examples: [
    ['$0 source hello', 'hello\'s source as the recipe builds it, patched, in ./hello'],
    ['cd hello && HACKTREE_ROOT=/opt/hacktree/root-3.2-runtime-opt-x86_64 $0 make debug', 'then, after editing: rebuild it -O0 into the deployed opt root'],
    ['$0 source sed ~/src/sed -C ~/my-workspace', 'a recipe of another workspace, into ~/src/sed'],
  ],
  run: async (args, ui) => {
    const { createSourceWorkTree } = await import('../../../builder/make/createSourceWorkTree.js');
    const { resolveSourceCache } = await import('../../../builder/plan/buildSettings.js');
    return createSourceWorkTree({ workspace: args.C, recipe: args.recipe, dir: args.dir, sourceCache: resolveSourceCache(), onStep: ui.step });
  },
  text: (result) => {
    const shown = relative(process.cwd(), result.dir);
    const cd = shown === '' ? '.' : shown.startsWith('..') ? result.dir : shown;
    const root = process.env.HACKTREE_ROOT || '/opt/hacktree/root-VERSION-runtime-opt-ARCH';
    return [
      `${result.recipe} ${result.version}: source in ${result.dir}, ${result.commits.length} commit(s), tag ${result.tag}`,
      ...result.commits.map((c) => `  ${c.commit.slice(0, 12)} ${c.subject}`),
      `next: cd ${cd} && HACKTREE_ROOT=${root} hacktree make debug`,
      `      "git diff ${result.tag}" shows your changes against the recipe's source`,
    ];
  },
});
