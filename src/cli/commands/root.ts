import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globalArgs.js';
import { rootBlameCommand } from './rootBlame.js';
import { rootCatCommand } from './rootCat.js';
import { rootCommitCommand } from './rootCommit.js';
import { rootComposeCommand } from './rootCompose.js';
import { rootDiffCommand } from './rootDiff.js';
import { rootListCommand } from './rootList.js';
import { rootLogCommand } from './rootLog.js';
import { rootLsCommand } from './rootLs.js';
import { rootShowCommand } from './rootShow.js';

export const rootCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'root <command>',
  describe: 'Roots as branches: commit, compose, list, log, ls, cat, diff, show, blame',
  builder: (y) => y.command(rootCommitCommand).command(rootComposeCommand)
      .command(rootListCommand).command(rootLogCommand).command(rootLsCommand).command(rootCatCommand)
      .command(rootDiffCommand).command(rootShowCommand).command(rootBlameCommand)
      .demandCommand(1).example('$0 root list', 'list the roots'),
  handler: () => {},
};
