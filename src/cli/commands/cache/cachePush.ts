import { workspaceOption } from '../../options/workspaceOption.js';
import { defineCommand } from '../defineCommand.js';

export const cachePushCommand = defineCommand({
  command: 'push <cache> [artifacts..]',
  describe: "Publish artifacts (default: every artifact with an id= in the workspace's artifacts/) and their by-id index",
  positionals: {
    cache: { type: 'string', demandOption: true, describe: 'a directory, or an http(s):// base URL written with PUT (WebDAV)' },
    artifacts: { type: 'string', array: true, describe: 'artifact files (a build\'s other artifact beside each is pushed too)' },
  },
  options: { C: workspaceOption },
  examples: [
    ['$0 cache push /srv/www/cache', 'a directory any static HTTP server can serve'],
    ['HACKTREE_CACHE_USER=ci HACKTREE_CACHE_PASSWORD=… $0 cache push https://cache.example.org/hacktree/', 'HTTP PUT with basic auth (or HACKTREE_CACHE_TOKEN)'],
  ],
  output: 'summary',
  run: async (args) => {
    const { pushToCache } = await import('../../../builder/cache/pushToCache.js');
    const { join } = await import('node:path');
    return pushToCache({ cache: args.cache, files: args.artifacts?.length ? args.artifacts : undefined, artifactsDir: join(args.C, 'artifacts') });
  },
  text: (report) => [
    ...report.builds.flatMap((b) => [
      ...b.artifacts.map((a) => `${a.pushed ? 'pushed' : 'present'} ${a.file} (${a.size} bytes)`),
      `${b.indexPushed ? 'pushed' : 'present'} by-id/${b.id}.json`,
    ]),
    `${report.builds.length} build${report.builds.length === 1 ? '' : 's'} in ${report.cache}`,
  ],
});
