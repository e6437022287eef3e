import type { CommandModule } from 'yargs';
import { describeRedeploy } from '../../output/describeRedeploy.js';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { progressBar } from '../../output/progressBar.js';
import { prefixOption } from '../../options/prefixOption.js';

interface Args extends GlobalArgs {
  name: string;
  prefix?: string;
  deploy: boolean;
}

export const rootResetCommand: CommandModule<GlobalArgs, Args> = {
  command: 'reset <name>',
  describe: 'Drop a root\'s local branch (local/root-NAME) and redeploy master if deployed',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'root name VERSION-KIND-FLAVOR-ARCH' })
      .option('prefix', prefixOption)
      .option('deploy', { type: 'boolean', default: true, describe: 'redeploy master if the root is deployed (--no-deploy: drop the branch only)' })
      .example('$0 root reset 3.2-runtime-opt-x86_64', 'back to master, deployed'),
  handler: async (argv) => {
    const { resetLocal } = await import('../../../root/local/resetLocal.js');
    const { resolvePrefix } = await import('../../../root/deploy/resolvePrefix.js');
    const progress = progressBar(argv);
    const result = await resetLocal({
      repoDir: argv.repo,
      name: argv.name,
      prefix: resolvePrefix(argv.prefix),
      deploy: argv.deploy,
      onProgress: progress.report,
    }).finally(progress.finish);
    printResult(argv, result, () => [
      `dropped local/root-${result.root} (was ${result.dropped}); root-${result.root} is ${result.master}`,
      describeRedeploy(result.deploy, 'master'),
    ], false);
  },
};
