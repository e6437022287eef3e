import { HacktreeError } from '../../../errors/HacktreeError.js';
import { prefixOption } from '../../options/prefixOption.js';
import { defineCommand } from '../defineCommand.js';

export const rootUpgradeCommand = defineCommand({
  command: 'upgrade <name>',
  describe: 'Upgrade a deployed root from its remote: pull (signatures checked on --verify remotes), replay the local branch, stage or publish (needs root)',
  positionals: { name: { type: 'string', demandOption: true, describe: 'root name VERSION-KIND-FLAVOR-ARCH' } },
  options: {
    prefix: prefixOption,
    check: { type: 'boolean', default: false, describe: 'only say whether the remote has a newer commit; changes nothing' },
    stage: { type: 'boolean', default: false, describe: 'pull and check the new deployment out, unpublished: the next "root mount --all" (boot) or --apply publishes it' },
    apply: { type: 'boolean', default: false, describe: 'pull, stage and publish now (the default)' },
    remote: { type: 'string', describe: 'upgrade from this remote (default: the root\'s policy\'s, else the one its branch was pulled from)' },
  },
  examples: [
    ['$0 root upgrade 3.2-runtime-opt-x86_64 --check', 'is there a newer root on the remote?'],
    ['$0 root upgrade 3.2-runtime-opt-x86_64 --stage', 'download and check it out; published at the next boot'],
    ['$0 root upgrade 3.2-runtime-opt-x86_64', 'upgrade and publish now'],
  ],
  output: 'summary',
  run: async (args, ui) => {
    const modes = (['check', 'stage', 'apply'] as const).filter((m) => args[m]);
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
  text: (r) => {
    const remote = `${r.remoteCommit.slice(0, 12)} on remote ${r.remote}`;
    switch (r.outcome) {
      case 'available':
        return `root ${r.root}: an upgrade is available: ${remote} (here: ${r.localMaster?.slice(0, 12) ?? 'none'})`;
      case 'up-to-date':
        return `root ${r.root}: up to date with ${remote}${r.staged ? ` (staged: ${r.staged.commit.slice(0, 12)}, published by --apply)` : ''}`;
      case 'staged':
        return `root ${r.root}: staged ${r.commit} (${remote}${r.localReplayed ? ', local branch replayed' : ''}) in ${r.staged?.dir}: published at the next "hacktree root mount --all" or "hacktree root upgrade ${r.root} --apply"`;
      case 'applied':
        return `root ${r.root}: published ${r.commit} (${remote}${r.localReplayed ? ', local branch replayed' : ''}) at ${r.published?.dir}`;
    }
  },
});
