import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { progressBar } from '../../output/progressBar.js';
import { rawRepairWarning } from '../../output/rawRepairWarning.js';
import { prefixOption } from '../../options/prefixOption.js';

interface Args extends GlobalArgs {
  name: string;
  prefix?: string;
  commit?: string;
  keep: number;
}

export const rootCheckoutCommand: CommandModule<GlobalArgs, Args> = {
  command: 'checkout <name>',
  describe: 'Deploy a root: check it out under PREFIX/.real and publish it read-only at PREFIX/root-NAME (needs root)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'root name (branch root-NAME, or local/root-NAME when it exists)' })
      .option('prefix', prefixOption)
      .option('commit', { type: 'string', describe: 'deploy this commit or ref instead of the branch tip' })
      .option('keep', { type: 'number', default: 2, describe: 'deployments kept, the current one included' })
      .example('$0 root checkout 3.2-runtime-opt-x86_64', 'publish the root at /opt/hacktree/root-3.2-runtime-opt-x86_64')
      .example('$0 root checkout 3.2-sdk-opt-x86_64 --prefix /srv/roots --keep 3', 'another prefix, two previous deployments kept'),
  handler: async (argv) => {
    const { deployRoot } = await import('../../../root/deploy/deployRoot.js');
    const { resolvePrefix } = await import('../../../root/deploy/resolvePrefix.js');
    const progress = progressBar(argv);
    const state = await deployRoot({
      repoDir: argv.repo,
      name: argv.name,
      prefix: resolvePrefix(argv.prefix),
      commit: argv.commit,
      keep: argv.keep,
      onProgress: progress.report,
      onRawRepaired: rawRepairWarning(argv),
    }).finally(progress.finish);
    printResult(argv, state, () => `deployed ${state.current!.commit} (${state.current!.branch}) at ${state.publicPath}`, false);
  },
};
