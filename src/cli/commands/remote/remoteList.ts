import { defineCommand } from '../defineCommand.js';

export const remoteListCommand = defineCommand({
  command: 'list',
  describe: 'List the remotes: name, URL, static or not, whether signatures are verified',
  examples: [['$0 remote list --json', 'the remotes as JSON']],
  run: async (args) => {
    const { listRemotes } = await import('../../../store/remote/remoteConfig.js');
    const { openRepository } = await import('../../../store/repository/repository.js');
    const { redactUrl } = await import('../../../model/remote/redactUrl.js');
    return (await listRemotes(openRepository(args.repo))).map((r) => ({ ...r, url: redactUrl(r.url) }));
  },
  text: (remotes) => {
    const width = Math.max(0, ...remotes.map((r) => r.name.length));
    return remotes.map((r) => `${r.name.padEnd(width)}  ${r.url}${r.static ? '  static' : ''}${r.verify ? `  verify (${r.allowedSigners})` : ''}`);
  },
});
