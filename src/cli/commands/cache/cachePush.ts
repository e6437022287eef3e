import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';
import { workspaceOption, type WorkspaceArgs } from '../../options/workspaceOption.js';

interface Args extends GlobalArgs, WorkspaceArgs {
  cache: string;
  artifacts?: string[];
}

export const cachePushCommand: CommandModule<GlobalArgs, Args> = {
  command: 'push <cache> [artifacts..]',
  describe: "Publish artifacts (default: every artifact with an id= in the workspace's artifacts/) and their by-id index",
  builder: (y) =>
    y
      .positional('cache', { type: 'string', demandOption: true, describe: 'a directory, or an http(s):// base URL written with PUT (WebDAV)' })
      .positional('artifacts', { type: 'string', array: true, describe: 'artifact files (a build\'s other artifact beside each is pushed too)' })
      .option('C', workspaceOption)
      .example('$0 cache push /srv/www/cache', 'a directory any static HTTP server can serve')
      .example('HACKTREE_CACHE_USER=ci HACKTREE_CACHE_PASSWORD=… $0 cache push https://cache.example.org/hacktree/', 'HTTP PUT with basic auth (or HACKTREE_CACHE_TOKEN)'),
  handler: async (argv) => {
    const { pushToCache } = await import('../../../builder/cache/pushToCache.js');
    const { join } = await import('node:path');
    const report = await pushToCache({ cache: argv.cache, files: argv.artifacts?.length ? argv.artifacts : undefined, artifactsDir: join(argv.C, 'artifacts') });
    printResult(argv, report, () => [
      ...report.builds.flatMap((b) => [
        ...b.artifacts.map((a) => `${a.pushed ? 'pushed' : 'present'} ${a.file} (${a.size} bytes)`),
        `${b.indexPushed ? 'pushed' : 'present'} by-id/${b.id}.json`,
      ]),
      `${report.builds.length} build${report.builds.length === 1 ? '' : 's'} in ${report.cache}`,
    ], false);
  },
};
