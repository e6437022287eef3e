import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';

export const initCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'init',
  describe: 'Create an empty hacktree repository (a bare git repository plus the raw object cache)',
  builder: (y) => y.example('$0 init --repo /srv/hacktree', 'create the repository at /srv/hacktree'),
  handler: async (argv) => {
    const { initRepository } = await import('../../../store/repository/initRepository.js');
    const repo = await initRepository(argv.repo);
    printResult(argv, { repo: repo.dir }, () => `initialized hacktree repository in ${repo.dir}`, false);
  },
};
