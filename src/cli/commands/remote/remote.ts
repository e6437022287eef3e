import { defineGroup } from '../defineGroup.js';
import { remoteAddCommand } from './remoteAdd.js';
import { remoteListCommand } from './remoteList.js';
import { remoteRemoveCommand } from './remoteRemove.js';

export const remoteCommand = defineGroup({
  command: 'remote <command>',
  describe: 'Git servers that roots are pushed to and pulled from (smart HTTP)',
  commands: [remoteAddCommand, remoteRemoveCommand, remoteListCommand],
  examples: [['$0 remote add origin https://git.example.org/roots.git', 'add a remote; credentials come from the environment or ~/.config/hacktree/credentials']],
});
