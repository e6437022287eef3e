import { describeRedeploy } from '../../output/describeRedeploy.js';
import { defineCommand } from '../defineCommand.js';
import { localBranchArguments, localBranchOptions } from './localBranchArguments.js';

export const rootResetCommand = defineCommand({
  command: 'reset <name>',
  describe: 'Drop a root\'s local branch (local/root-NAME) and redeploy master if deployed',
  ...localBranchArguments('redeploy master if the root is deployed (--no-deploy: drop the branch only)'),
  examples: [['$0 root reset 3.2-runtime-opt-x86_64', 'back to master, deployed']],
  output: 'summary',
  daemon: { operation: 'reset' },
  run: async (args, ui) => (await import('../../../root/local/resetLocal.js')).resetLocal(await localBranchOptions(args, ui)),
  text: (result) => [
    `dropped local/root-${result.root} (was ${result.dropped}); root-${result.root} is ${result.master}`,
    describeRedeploy(result.deploy, 'master'),
  ],
});
