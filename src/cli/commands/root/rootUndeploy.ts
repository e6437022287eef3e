import { prefixOption } from '../../options/prefixOption.js';
import { defineCommand } from '../defineCommand.js';

export const rootUndeployCommand = defineCommand({
  command: 'undeploy <name>',
  describe: 'Unmount a deployed root and remove its deployments (the branches stay)',
  positionals: { name: { type: 'string', demandOption: true, describe: 'root name' } },
  options: { prefix: prefixOption },
  examples: [['$0 root undeploy 3.2-runtime-opt-x86_64', 'unpublish it and free the space']],
  output: 'summary',
  daemon: { operation: 'undeploy' },
  run: async (args, ui) => {
    const { undeployRoot } = await import('../../../root/deploy/undeployRoot.js');
    return undeployRoot({ name: args.name, prefix: await ui.prefix() });
  },
  text: (result) => `undeployed ${result.root} (${result.removed.length} deployments removed)`,
});
