import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { prefixOption } from '../../options/prefixOption.js';

interface Args extends GlobalArgs {
  name: string;
  prefix?: string;
}

export const rootRollbackCommand: CommandModule<GlobalArgs, Args> = {
  command: 'rollback <name>',
  describe: 'Publish the previous deployment of a root again (current and previous swap)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'root name' })
      .option('prefix', prefixOption)
      .example('$0 root rollback 3.2-runtime-opt-x86_64', 'back to the deployment before the last one'),
  handler: async (argv) => {
    const { rollbackRoot } = await import('../../../root/deploy/rollbackRoot.js');
    const { resolvePrefix } = await import('../../../root/deploy/resolvePrefix.js');
    const state = await rollbackRoot({ name: argv.name, prefix: resolvePrefix(argv.prefix) });
    printResult(argv, state, () => `rolled back ${state.root} to ${state.current!.commit} (${state.current!.branch}) at ${state.publicPath}`, false);
  },
};
