import { prefixOption } from '../../options/prefixOption.js';
import { rawRepairWarning } from '../../output/rawRepairWarning.js';
import { defineCommand } from '../defineCommand.js';

export const rootCheckoutCommand = defineCommand({
  command: 'checkout <name>',
  describe: 'Deploy a root: check it out under PREFIX/.real and publish it read-only at PREFIX/root-NAME (needs root)',
  positionals: { name: { type: 'string', demandOption: true, describe: 'root name (branch root-NAME, or local/root-NAME when it exists)' } },
  options: {
    prefix: prefixOption,
    commit: { type: 'string', describe: 'deploy this commit or ref instead of the branch tip' },
    keep: { type: 'number', default: 2, describe: 'deployments kept, the current one included' },
  },
  examples: [
    ['$0 root checkout 3.2-runtime-opt-x86_64', 'publish the root at /opt/hacktree/root-3.2-runtime-opt-x86_64'],
    ['$0 root checkout 3.2-sdk-opt-x86_64 --prefix /srv/roots --keep 3', 'another prefix, two previous deployments kept'],
  ],
  output: 'summary',
  daemon: { operation: 'checkout' },
  run: async (args, ui) => {
    const { deployRoot } = await import('../../../root/deploy/deployRoot.js');
    const { name, commit, keep } = args;
    return deployRoot({ repoDir: args.repo, name, prefix: await ui.prefix(), commit, keep, onProgress: ui.progress, onRawRepaired: rawRepairWarning(args) });
  },
  text: (state) => `deployed ${state.current!.commit} (${state.current!.branch}) at ${state.publicPath}`,
});
