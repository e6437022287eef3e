import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';

interface Args extends GlobalArgs {
  name: string;
  url: string;
  verify: boolean;
  allowedSigners?: string;
}

export const remoteAddCommand: CommandModule<GlobalArgs, Args> = {
  command: 'add <name> <url>',
  describe: 'Add a remote (stored as remote.NAME.url in the repository\'s git config; never with credentials)',
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'letters, digits, - and _' })
      .positional('url', { type: 'string', demandOption: true, describe: 'http(s):// URL of a git repository, without credentials' })
      .option('verify', { type: 'boolean', default: false, describe: 'pull and deploy only commits signed by a key in --allowed-signers' })
      .option('allowed-signers', { type: 'string', describe: 'ssh-keygen ALLOWED SIGNERS file: the keys whose commits are accepted' })
      .example('$0 remote add dist https://git.example.org/roots.git --verify --allowed-signers /etc/hacktree/allowed_signers', 'a remote whose roots must be signed'),
  handler: async (argv) => {
    const { addRemote } = await import('../../../store/remote/remoteConfig.js');
    const { openRepository } = await import('../../../store/repository/repository.js');
    const remote = await addRemote(openRepository(argv.repo), { name: argv.name, url: argv.url, verify: argv.verify, allowedSigners: argv.allowedSigners });
    printResult(argv, remote, () => `added remote ${remote.name} ${remote.url}${remote.verify ? ' (signatures verified)' : ''}`, false);
  },
};
