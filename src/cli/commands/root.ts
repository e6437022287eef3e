import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globalArgs.js';
import { rootCommitCommand } from './rootCommit.js';

export const rootCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'root <command>',
  describe: 'Roots as branches: commit, compose, list, log, ls, cat, diff, show, blame',
  builder: (y) => y.command(rootCommitCommand).demandCommand(1).example('$0 root list', 'list the roots'),
  handler: () => {},
};
