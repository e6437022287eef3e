import { defineCommand } from '../defineCommand.js';

export const remoteRemoveCommand = defineCommand({
  command: 'remove <name>',
  describe: 'Remove a remote from the repository\'s config (branches pulled from it stay)',
  positionals: { name: { type: 'string', demandOption: true } },
  examples: [['$0 remote remove dist', 'forget the remote "dist"']],
  output: 'summary',
  run: async (args) => {
    const { removeRemote } = await import('../../../store/remote/remoteConfig.js');
    const { openRepository } = await import('../../../store/repository/repository.js');
    await removeRemote(openRepository(args.repo), args.name);
    return { removed: args.name };
  },
  text: ({ removed }) => `removed remote ${removed}`,
});
