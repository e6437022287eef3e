import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';

interface Args extends GlobalArgs {
  name: string;
}

export const remoteRemoveCommand: CommandModule<GlobalArgs, Args> = {
  command: 'remove <name>',
  describe: 'Remove a remote from the repository\'s config (branches pulled from it stay)',
  builder: (y) => y.positional('name', { type: 'string', demandOption: true }).example('$0 remote remove dist', 'forget the remote "dist"'),
  handler: async (argv) => {
    const { removeRemote } = await import('../../../store/remote/remoteConfig.js');
    const { openRepository } = await import('../../../store/repository/repository.js');
    await removeRemote(openRepository(argv.repo), argv.name);
    printResult(argv, { removed: argv.name }, () => `removed remote ${argv.name}`, false);
  },
};
