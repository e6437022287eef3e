import { defineCommand } from '../defineCommand.js';

export const remoteAddCommand = defineCommand({
  command: 'add <name> <url>',
  describe: 'Add a remote (stored as remote.NAME.url in the repository\'s git config; never with credentials)',
  positionals: {
    name: { type: 'string', demandOption: true, describe: 'letters, digits, - and _' },
    url: { type: 'string', demandOption: true, describe: 'http(s):// URL of a git repository, without credentials' },
  },
  options: {
    verify: { type: 'boolean', default: false, describe: 'pull and deploy only commits signed by a key in --allowed-signers' },
    'allowed-signers': { type: 'string', describe: 'ssh-keygen ALLOWED SIGNERS file: the keys whose commits are accepted' },
    static: { type: 'boolean', default: false, describe: 'a static repository ("hacktree publish") served over HTTP, not a git server' },
  },
  examples: [
    ['$0 remote add dist https://git.example.org/roots.git --verify --allowed-signers /etc/hacktree/allowed_signers', 'a remote whose roots must be signed'],
    ['$0 remote add cdn https://cdn.example.org/roots --static --verify --allowed-signers /etc/hacktree/allowed_signers', 'a static repository whose index and roots must be signed'],
  ],
  output: 'summary',
  run: async (args) => {
    const { addRemote } = await import('../../../store/remote/remoteConfig.js');
    const { openRepository } = await import('../../../store/repository/repository.js');
    return addRemote(openRepository(args.repo), { name: args.name, url: args.url, verify: args.verify, allowedSigners: args['allowed-signers'], static: args.static });
  },
  text: (remote) => `added ${remote.static ? 'static ' : ''}remote ${remote.name} ${remote.url}${remote.verify ? ' (signatures verified)' : ''}`,
});
