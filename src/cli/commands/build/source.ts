import { relative } from 'node:path';
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { stepReporter } from '../../output/stepReporter.js';
import { workspaceOption, type WorkspaceArgs } from '../../options/workspaceOption.js';

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
      .example('cd hello && HACKTREE_ROOT=/opt/hacktree/root-3.2-runtime-opt-x86_64 $0 make debug', 'then, after editing: rebuild it -O0 into the deployed opt root')
      .example('$0 source sed ~/src/sed -C ~/my-workspace', 'a recipe of another workspace, into ~/src/sed'),
  handler: async (argv) => {
    const { createSourceWorkTree } = await import('../../../builder/make/createSourceWorkTree.js');
    const { resolveSourceCache } = await import('../../../builder/plan/buildSettings.js');
    const result = await createSourceWorkTree({ workspace: argv.C, recipe: argv.recipe, dir: argv.dir, sourceCache: resolveSourceCache(), onStep: stepReporter(argv) });
    printResult(argv, result, () => {
      const shown = relative(process.cwd(), result.dir);
      const cd = shown === '' ? '.' : shown.startsWith('..') ? result.dir : shown;
      const root = process.env.HACKTREE_ROOT || '/opt/hacktree/root-VERSION-runtime-opt-ARCH';
      return [
        `${result.recipe} ${result.version}: source in ${result.dir}, ${result.commits.length} commit(s), tag ${result.tag}`,
        ...result.commits.map((c) => `  ${c.commit.slice(0, 12)} ${c.subject}`),
        `next: cd ${cd} && HACKTREE_ROOT=${root} hacktree make debug`,
        `      "git diff ${result.tag}" shows your changes against the recipe's source`,
      ];
    });
  },
};
