import { HacktreeError } from '../../../errors/HacktreeError.js';
import { defineCommand } from '../defineCommand.js';

export const pullCommand = defineCommand({
  command: 'pull <remote> <roots..>',
  describe: 'Pull root branches from a remote (git smart HTTP or a static repository); checked before any branch moves',
  positionals: {
    remote: { type: 'string', demandOption: true },
    roots: { type: 'string', array: true, demandOption: true, describe: 'root names (or root-NAME branches)' },
  },
  options: {
    depth: { type: 'number', describe: 'fetch only this many commits of history (1: the newest)' },
    'allow-expired': { type: 'boolean', describe: "from a static repository: accept its index past its expiry, once (the publisher's renewal is overdue)" },
  },
  examples: [['$0 pull dist 3.2-runtime-opt-x86_64 --depth 1', 'pull the newest commit of a root, then "root checkout" deploys it']],
  output: 'summary',
  run: async (args, ui) => {
    if (args.depth !== undefined && (!Number.isInteger(args.depth) || args.depth < 1)) {
      throw new HacktreeError('USAGE', `--depth must be a whole number of at least 1, not ${args.depth}`, { hint: '--depth 1 fetches only the newest commit' });
    }
    const { pullRoots } = await import('../../../root/remote/pullRoots.js');
    const { remote, roots, depth } = args;
    return pullRoots({ repoDir: args.repo, remote, roots, depth, onProgress: ui.progress, onGitProgress: ui.live, allowExpired: args['allow-expired'] });
  },
  text: (result) => [
    ...result.pulled.map((p) => `${p.branch} ${p.previous ? `${p.previous.slice(0, 12)}..` : ''}${p.commit} from ${result.remote}`),
    ...(result.static ? [`index ${result.static.serial}: ${result.static.packsFetched} packs fetched (${result.static.bytesFetched} bytes), ${result.static.packsHere} already here`] : []),
  ],
});
