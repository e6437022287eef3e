import { prefixOption } from '../../options/prefixOption.js';
import { defineCommand } from '../defineCommand.js';

export const rootPolicyCommand = defineCommand({
  command: 'policy [name] [policy]',
  describe: 'Show or set roots\' automatic upgrade policy (off, check, stage, apply), interval and remote, which the daemon applies',
  positionals: {
    name: { type: 'string', describe: 'root name (default: every root with a policy)' },
    policy: { type: 'string', describe: 'off, check, stage or apply: what the daemon does each time the interval has passed' },
  },
  options: {
    interval: { type: 'string', describe: 'time between two runs: 30m, 6h, 1d (default 1d)' },
    remote: { type: 'string', describe: 'upgrade from this remote (default: the one the root was pulled from)' },
    prefix: prefixOption,
  },
  examples: [
    ['$0 root policy 3.2-runtime-opt-x86_64 stage --interval 6h --remote origin', 'stage upgrades every 6 hours; published at the next boot'],
    ['$0 root policy', 'every root\'s policy, with its last check'],
  ],
  run: async (args, ui) => {
    const { HacktreeError } = await import('../../../errors/HacktreeError.js');
    const { rootPolicies, setRootPolicy } = await import('../../../root/upgrade/rootPolicies.js');
    const setting = args.policy !== undefined || args.interval !== undefined || args.remote !== undefined;
    if (setting && args.name === undefined) throw new HacktreeError('USAGE', 'give the root whose policy to set', { hint: 'hacktree root policy NAME stage --interval 6h' });
    const prefix = await ui.prefix();
    if (setting) {
      const { parseUpgradeInterval, parseUpgradePolicyMode } = await import('../../../model/root/upgradePolicy.js');
      await setRootPolicy({
        repoDir: args.repo,
        name: args.name!,
        policy: args.policy === undefined ? undefined : parseUpgradePolicyMode(args.policy),
        intervalSeconds: args.interval === undefined ? undefined : parseUpgradeInterval(args.interval),
        remote: args.remote,
      });
    }
    return rootPolicies({ repoDir: args.repo, prefix, name: args.name });
  },
  text: async (policies) => {
    const { formatInterval } = await import('../../../model/root/upgradePolicy.js');
    if (policies.length === 0) return 'no root has an upgrade policy (every root\'s is off)';
    return policies.map((p) => `${p.root}: ${p.policy} every ${formatInterval(p.intervalSeconds)} from ${p.remote ?? 'the remote it was pulled from'}; last check ${p.lastCheck ?? 'never'}`);
  },
});
