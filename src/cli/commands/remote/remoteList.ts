import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../../options/globalArgs.js';
import { printResult } from '../../output/output.js';

export const remoteListCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'list',
  describe: 'List the remotes: name, URL, whether signatures are verified',
  builder: (y) => y.example('$0 remote list --json', 'the remotes as JSON'),
  handler: async (argv) => {
    const { listRemotes } = await import('../../../store/remote/remoteConfig.js');
    const { openRepository } = await import('../../../store/repository/repository.js');
    const { redactUrl } = await import('../../../model/remote/redactUrl.js');
    const remotes = (await listRemotes(openRepository(argv.repo))).map((r) => ({ ...r, url: redactUrl(r.url) }));
    const width = Math.max(0, ...remotes.map((r) => r.name.length));
    printResult(argv, remotes, () => remotes.map((r) => `${r.name.padEnd(width)}  ${r.url}${r.verify ? `  verify (${r.allowedSigners})` : ''}`));
  },
};
