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

export const rootUpdateCommand: CommandModule<GlobalArgs, Args> = {
  command: 'update <name>',
  describe: 'Rebase a root\'s local branch: master\'s new tree plus the same local artifacts (never a merge)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'root name VERSION-KIND-FLAVOR-ARCH' })
      .option('prefix', prefixOption)
      .option('deploy', { type: 'boolean', default: true, describe: 'redeploy if the root is deployed (--no-deploy: commit only)' })
      .example('$0 root update 3.2-runtime-opt-x86_64', 'after a new compose of root-3.2-runtime-opt-x86_64'),
  handler: async (argv) => {
    const { updateLocal } = await import('../../../root/local/updateLocal.js');
    const { resolvePrefix } = await import('../../../root/deploy/resolvePrefix.js');
    const progress = progressBar(argv);
    const result = await updateLocal({
      repoDir: argv.repo,
      name: argv.name,
      prefix: resolvePrefix(argv.prefix),
      deploy: argv.deploy,
      onProgress: progress.report,
    }).finally(progress.finish);
    printResult(argv, result, () => [
      result.updated
        ? `local/root-${result.root} ${result.commit}: master ${result.from.slice(0, 12)} -> ${result.to.slice(0, 12)} + ${result.artifacts.join(' ')}`
        : `local/root-${result.root} ${result.commit}: already built on master ${result.to.slice(0, 12)}`,
      ...result.droppedDevel.map((d) => `  dropped ${d.artifact}: ${d.reason}`),
      ...(result.configReplayed > 0 ? [`  re-ran config.d scripts: ${result.configReplayed} commit(s) replayed`] : []),
      describeRedeploy(result.deploy),
    ], false);
  },
};
