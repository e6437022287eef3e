import { HacktreeError } from '../../../errors/HacktreeError.js';
import type { DueUpgradesRun } from '../../../root/upgrade/runDueUpgrades.js';
import type { UpgradeResult } from '../../../root/upgrade/upgradeRoot.js';
import { prefixOption } from '../../options/prefixOption.js';
import { defineCommand } from '../defineCommand.js';

export const rootUpgradeCommand = defineCommand({
  command: 'upgrade [name]',
  describe: 'Upgrade a deployed root from its remote: pull (signatures checked on --verify remotes), replay the local branch, stage or publish; or run the upgrade policies that are due (needs root)',
  positionals: { name: { type: 'string', describe: 'root name VERSION-KIND-FLAVOR-ARCH' } },
  options: {
    prefix: prefixOption,
    check: { type: 'boolean', default: false, describe: 'only say whether the remote has a newer commit; changes nothing' },
    stage: { type: 'boolean', default: false, describe: 'pull and check the new deployment out, unpublished: the next "root mount --all" (boot) or --apply publishes it' },
    apply: { type: 'boolean', default: false, describe: 'pull, stage and publish now (the default)' },
    remote: { type: 'string', describe: 'upgrade from this remote (default: the root\'s policy\'s, else the one its branch was pulled from)' },
    due: { type: 'boolean', default: false, describe: 'instead of one root: each root whose policy (root policy) is due, in its policy\'s mode, as the daemon and hacktree-upgrade.timer do' },
  },
  examples: [
    ['$0 root upgrade 3.2-runtime-opt-x86_64 --check', 'is there a newer root on the remote?'],
    ['$0 root upgrade 3.2-runtime-opt-x86_64 --stage', 'download and check it out; published at the next boot'],
    ['$0 root upgrade 3.2-runtime-opt-x86_64', 'upgrade and publish now'],
    ['$0 root upgrade --due', 'run the upgrade policies that are due (hacktree-upgrade.service)'],
  ],
  output: 'summary',
  daemon: { operation: 'upgrade' },
  run: async (args, ui): Promise<UpgradeResult | DueUpgradesRun> => {
    const modes = (['check', 'stage', 'apply'] as const).filter((m) => args[m]);
    if (args.due) {
      const given = [...(args.name === undefined ? [] : [args.name]), ...modes.map((m) => `--${m}`), ...(args.remote === undefined ? [] : ['--remote'])];
      if (given.length > 0) throw new HacktreeError('USAGE', `--due runs each root's policy: it takes no ${given.join(', ')}`, {
          hint: '"hacktree root policy NAME stage --remote R" sets what --due does for a root; "hacktree root upgrade NAME" upgrades one root now',
        });
      const { runDueUpgrades } = await import('../../../root/upgrade/runDueUpgrades.js');
      return runDueUpgrades({ repoDir: args.repo, prefix: await ui.prefix() });
    }
    if (args.name === undefined) throw new HacktreeError('USAGE', 'give the root to upgrade, or --due', { hint: 'hacktree root upgrade 3.2-runtime-opt-x86_64, or hacktree root upgrade --due' });
    if (modes.length > 1) throw new HacktreeError('USAGE', `give one of --check, --stage and --apply, not ${modes.map((m) => `--${m}`).join(' and ')}`, {
        hint: '--check only looks; --stage downloads and checks out, published at the next boot; --apply (the default) publishes now',
      });
    const { upgradeRoot } = await import('../../../root/upgrade/upgradeRoot.js');
    return upgradeRoot({
      repoDir: args.repo,
      name: args.name,
      prefix: await ui.prefix(),
      mode: modes[0] ?? 'apply',
      remote: args.remote,
      onProgress: ui.progress,
      onDeployProgress: ui.progress,
      onGitProgress: ui.live,
    });
  },
  text: async (r) => {
    if ('events' in r) return (await import('../../output/describeDueUpgrades.js')).describeDueUpgrades(r);
    return (await import('../../output/describeUpgrade.js')).describeUpgrade(r);
  },
  // A policy's failure is recorded and does not stop the others; the run then fails as a whole.
  failure: async (r) => ('events' in r ? (await import('../../../root/upgrade/dueUpgradesFailure.js')).dueUpgradesFailure(r) : undefined),
});
