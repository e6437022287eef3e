import { defineGroup } from '../defineGroup.js';
import { cachePushCommand } from './cachePush.js';

export const cacheCommand = defineGroup({
  command: 'cache <command>',
  describe: 'Artifact caches: publish built artifacts to a directory or an HTTP server, by build id',
  commands: [cachePushCommand],
  examples: [['$0 cache push https://cache.example.org/hacktree/', 'publish every built artifact']],
});
