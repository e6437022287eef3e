import { defineCommand } from '../defineCommand.js';

export const remoteRemoveCommand = defineCommand({
  command: 'remove <name>',
  describe: 'Remove a remote from the repository\'s config (branches pulled from it stay, and forget it)',
  positionals: { name: { type: 'string', demandOption: true } },
  examples: [['$0 remote remove dist', 'forget the remote "dist"']],
  output: 'summary',
  run: async (args) => {
    const { removeRemote } = await import('../../../store/remote/remoteConfig.js');
    const { openRepository } = await import('../../../store/repository/repository.js');
    const forgotten = await removeRemote(openRepository(args.repo), args.name);
    return { removed: args.name, branches: forgotten };
  },
  text: ({ removed, branches }) => `removed remote ${removed}${branches.length === 0 ? '' : `; ${branches.join(', ')} no longer upgrade from it`}`,
});
