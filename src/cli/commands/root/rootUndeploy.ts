import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { prefixOption } from '../../options/prefixOption.js';

interface Args extends GlobalArgs {
  name: string;
  prefix?: string;
}

export const rootUndeployCommand: CommandModule<GlobalArgs, Args> = {
  command: 'undeploy <name>',
  describe: 'Unmount a deployed root and remove its deployments (the branches stay)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'root name' })
      .option('prefix', prefixOption)
      .example('$0 root undeploy 3.2-runtime-opt-x86_64', 'unpublish it and free the space'),
  handler: async (argv) => {
    const { undeployRoot } = await import('../../../root/deploy/undeployRoot.js');
    const { resolvePrefix } = await import('../../../root/deploy/resolvePrefix.js');
    const result = await undeployRoot({ name: argv.name, prefix: resolvePrefix(argv.prefix) });
    printResult(argv, result, () => `undeployed ${result.root} (${result.removed.length} deployments removed)`, false);
  },
};
