import { describeRedeploy } from '../../output/describeRedeploy.js';
import { defineCommand } from '../defineCommand.js';
import { localBranchArguments, localBranchOptions } from './localBranchArguments.js';

export const rootUpdateCommand = defineCommand({
  command: 'update <name>',
  describe: 'Rebase a root\'s local branch: master\'s new tree plus the same local artifacts (never a merge)',
  ...localBranchArguments('redeploy if the root is deployed (--no-deploy: commit only)'),
  examples: [['$0 root update 3.2-runtime-opt-x86_64', 'after a new compose of root-3.2-runtime-opt-x86_64']],
  output: 'summary',
  daemon: { operation: 'update' },
  run: async (args, ui) => (await import('../../../root/local/updateLocal.js')).updateLocal(await localBranchOptions(args, ui)),
  text: (result) => [
    result.updated
      ? `local/root-${result.root} ${result.commit}: master ${result.from.slice(0, 12)} -> ${result.to.slice(0, 12)} + ${result.artifacts.join(' ')}`
      : `local/root-${result.root} ${result.commit}: already built on master ${result.to.slice(0, 12)}`,
    ...result.droppedDevel.map((d) => `  dropped ${d.artifact}: ${d.reason}`),
    ...(result.configReplayed > 0 ? [`  re-ran config.d scripts: ${result.configReplayed} commit(s) replayed`] : []),
    describeRedeploy(result.deploy),
  ],
});
