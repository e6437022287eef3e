import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { remoteAddCommand } from './remoteAdd.js';
import { remoteListCommand } from './remoteList.js';
import { remoteRemoveCommand } from './remoteRemove.js';

export const remoteCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'remote <command>',
  describe: 'Git servers that roots are pushed to and pulled from (smart HTTP)',
  builder: (y) =>
    y
      .command(remoteAddCommand)
      .command(remoteRemoveCommand)
      .command(remoteListCommand)
      .demandCommand(1)
      .example('$0 remote add origin https://git.example.org/roots.git', 'add a remote; credentials come from the environment or ~/.config/hacktree/credentials'),
  handler: () => {},
};
