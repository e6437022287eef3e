import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globalArgs.js';
import { printResult } from '../output.js';
import { progressBar } from '../progressBar.js';

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
      .option('prefix', { type: 'string', describe: 'deployment prefix (default: HACKTREE_PREFIX, "prefix" in /etc/hacktree/hacktree.conf, /opt/hacktree)' })
      .option('deploy', { type: 'boolean', default: true, describe: 'redeploy master if the root is deployed (--no-deploy: drop the branch only)' })
      .example('$0 root reset 3.2-runtime-opt-x86_64', 'back to master, deployed'),
  handler: async (argv) => {
    const { resetLocal } = await import('../../root/resetLocal.js');
    const { resolvePrefix } = await import('../../root/resolvePrefix.js');
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
      result.deploy.redeployed ? `redeployed master at ${result.deploy.prefix}` : `not redeployed: ${result.deploy.skipped}`,
    ], false);
  },
};
