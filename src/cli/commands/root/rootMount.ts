import type { CommandModule } from 'yargs';
import { HacktreeError } from '../../../errors/HacktreeError.js';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { prefixOption } from '../../options/prefixOption.js';

interface Args extends GlobalArgs {
  names: string[];
  all: boolean;
  prefix?: string;
}

export const rootMountCommand: CommandModule<GlobalArgs, Args> = {
  command: 'mount [names..]',
  describe: 'Publish deployed roots again from their recorded state (what the boot service runs); idempotent',
  builder: (y) =>
    y
      .positional('names', { type: 'string', array: true, default: [], describe: 'roots to mount' })
      .option('all', { type: 'boolean', default: false, describe: 'every deployed root' })
      .option('prefix', prefixOption)
      .example('$0 root mount --all', 'at boot: publish every deployed root')
      .example('$0 root mount 3.2-runtime-opt-x86_64', 'one root'),
  handler: async (argv) => {
    if (argv.all === (argv.names.length > 0)) throw new HacktreeError('USAGE', 'give root names or --all (not both)');
    const { mountDeployedRoots } = await import('../../../root/deploy/mountDeployedRoots.js');
    const { resolvePrefix } = await import('../../../root/deploy/resolvePrefix.js');
    const mounted = await mountDeployedRoots({ prefix: resolvePrefix(argv.prefix), names: argv.all ? undefined : argv.names });
    printResult(argv, mounted, () => mounted.map((m) => `${m.mounted ? 'mounted' : 'already mounted'} ${m.root} at ${m.publicPath}`), false);
  },
};
