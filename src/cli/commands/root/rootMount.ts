import { HacktreeError } from '../../../errors/HacktreeError.js';
import { prefixOption } from '../../options/prefixOption.js';
import { defineCommand } from '../defineCommand.js';

export const rootMountCommand = defineCommand({
  command: 'mount [names..]',
  describe: 'Publish deployed roots again from their recorded state (what the boot service runs); idempotent',
  positionals: { names: { type: 'string', array: true, default: [], describe: 'roots to mount' } },
  options: {
    all: { type: 'boolean', default: false, describe: 'every deployed root' },
    prefix: prefixOption,
  },
  examples: [
    ['$0 root mount --all', 'at boot: publish every deployed root'],
    ['$0 root mount 3.2-runtime-opt-x86_64', 'one root'],
  ],
  output: 'summary',
  run: async (args, ui) => {
    if (args.all === (args.names.length > 0)) throw new HacktreeError('USAGE', 'give root names or --all (not both)');
    const { mountDeployedRoots } = await import('../../../root/deploy/mountDeployedRoots.js');
    return mountDeployedRoots({ prefix: await ui.prefix(), names: args.all ? undefined : args.names });
  },
  text: (mounted) => mounted.map((m) => `${m.mounted ? 'mounted' : 'already mounted'} ${m.root} at ${m.publicPath}${m.publishedStaged === undefined ? '' : `: published the staged ${m.publishedStaged}`}`),
});
