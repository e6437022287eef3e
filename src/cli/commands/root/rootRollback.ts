import { prefixOption } from '../../options/prefixOption.js';
import { defineCommand } from '../defineCommand.js';

export const rootRollbackCommand = defineCommand({
  command: 'rollback <name>',
  describe: 'Publish the previous deployment of a root again (current and previous swap)',
  positionals: { name: { type: 'string', demandOption: true, describe: 'root name' } },
  options: { prefix: prefixOption },
  examples: [['$0 root rollback 3.2-runtime-opt-x86_64', 'back to the deployment before the last one']],
  output: 'summary',
  daemon: { operation: 'rollback' },
  run: async (args, ui) => {
    const { rollbackRoot } = await import('../../../root/deploy/rollbackRoot.js');
    return rollbackRoot({ name: args.name, prefix: await ui.prefix() });
  },
  text: (state) => `rolled back ${state.root} to ${state.current!.commit} (${state.current!.branch}) at ${state.publicPath}`,
});
