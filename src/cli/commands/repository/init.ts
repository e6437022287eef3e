import { defineCommand } from '../defineCommand.js';

export const initCommand = defineCommand({
  command: 'init',
  describe: 'Create an empty hacktree repository (a bare git repository plus the raw object cache)',
  examples: [['$0 init --repo /srv/hacktree', 'create the repository at /srv/hacktree']],
  output: 'summary',
  run: async (args) => {
    const { initRepository } = await import('../../../store/repository/initRepository.js');
    return { repo: (await initRepository(args.repo)).dir };
  },
  text: ({ repo }) => `initialized hacktree repository in ${repo}`,
});
