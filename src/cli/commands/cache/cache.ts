import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { cachePushCommand } from './cachePush.js';

export const cacheCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'cache <command>',
  describe: 'Artifact caches: publish built artifacts to a directory or an HTTP server, by build id',
  builder: (y) => y.command(cachePushCommand).demandCommand(1).example('$0 cache push https://cache.example.org/hacktree/', 'publish every built artifact'),
  handler: () => {},
};
