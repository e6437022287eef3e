import { relative } from 'node:path';
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globalArgs.js';
import { printResult } from '../output.js';
import { stepReporter } from '../stepReporter.js';
import { workspaceOption, type WorkspaceArgs } from '../workspaceOption.js';

interface Args extends GlobalArgs, WorkspaceArgs {
  recipe: string;
  dir?: string;
}

export const sourceCommand: CommandModule<GlobalArgs, Args> = {
  command: 'source <recipe> [dir]',
  describe: 'Put the source a recipe builds, one git commit per patch, in a new work tree to edit and rebuild',
  builder: (y) =>
    y
      .option('C', workspaceOption)
      .positional('recipe', { type: 'string', demandOption: true, describe: 'the recipe (its PN)' })
      .positional('dir', { type: 'string', describe: 'the new work tree, relative to the current directory (not to -C); it must not exist or be empty', defaultDescription: './RECIPE' })
      .example('$0 source hello', 'hello\'s source as the recipe builds it, patched, in ./hello')
      .example('cd hello && HACKTREE_ROOT=3.2-runtime-debug-x86_64 $0 make debug --name hello', 'then, after editing: rebuild it and put it into the debug root')
      .example('$0 source sed ~/src/sed -C ~/my-workspace', 'a recipe of another workspace, into ~/src/sed'),
  handler: async (argv) => {
    const { createSourceWorkTree } = await import('../../build/createSourceWorkTree.js');
    const { resolveSourceCache } = await import('../../build/buildSettings.js');
    const result = await createSourceWorkTree({ workspace: argv.C, recipe: argv.recipe, dir: argv.dir, sourceCache: resolveSourceCache(), onStep: stepReporter(argv) });
    printResult(argv, result, () => {
      const shown = relative(process.cwd(), result.dir);
      const cd = shown === '' ? '.' : shown.startsWith('..') ? result.dir : shown;
      const debugRoot = process.env.HACKTREE_ROOT || 'VERSION-runtime-debug-ARCH';
      return [
        `${result.recipe} ${result.version}: source in ${result.dir}, ${result.commits.length} commit(s), tag ${result.tag}`,
        ...result.commits.map((c) => `  ${c.commit.slice(0, 12)} ${c.subject}`),
        // --name: the component is the recipe's PN, whatever AC_INIT calls the package.
        `next: cd ${cd} && HACKTREE_ROOT=${debugRoot} hacktree make debug --name ${result.recipe}`,
        `      "git diff ${result.tag}" shows your changes against the recipe's source`,
      ];
    });
  },
};
